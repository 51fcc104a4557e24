package intake

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// cleanName turns a tar entry name into a clean relative path, or refuses
// it: absolute, "..", ".git", NUL or not UTF-8. "./" and empty components
// are dropped; "" is the archive's root.
func cleanName(name string) (string, error) {
	if !utf8.ValidString(name) || strings.ContainsRune(name, 0) {
		return "", badEntry(name, "has a name that is not UTF-8 text")
	}
	if strings.HasPrefix(name, "/") {
		return "", badEntry(name, "has an absolute path; archive relative paths (tar -C DIR .)")
	}
	var parts []string
	for _, part := range strings.Split(name, "/") {
		switch {
		case part == "" || part == ".":
			continue
		case part == "..":
			return "", badEntry(name, "climbs out with \"..\"")
		case strings.EqualFold(part, ".git"):
			return "", badEntry(name, "is inside a .git directory; archive the work tree without .git")
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "/"), nil
}

// checkLinkTarget refuses link targets that are absolute or not text; where
// a relative one leads is checked once the whole tree is known.
func checkLinkTarget(p, target string) error {
	switch {
	case target == "" || len(target) > 4096:
		return badEntry(p, "is a symlink with an empty or overlong target")
	case !utf8.ValidString(target) || strings.ContainsRune(target, 0):
		return badEntry(p, "is a symlink whose target is not UTF-8 text")
	case path.IsAbs(target):
		return badEntry(p, fmt.Sprintf("is a symlink to %s, outside the archive", quote(target)))
	}
	return nil
}

// stripTop makes the only top-level dir the root when nothing else is at the
// top, and says so.
func (b *builder) stripTop() string {
	top := ""
	for p := range b.t.All() {
		first, _, _ := strings.Cut(p, "/")
		if top != "" && first != top {
			return ""
		}
		top = first
	}
	if e, ok := b.t.Lookup(top); !ok || e.Mode != filemode.Dir {
		return ""
	}
	b.t.Reroot(top)
	b.top = top
	return fmt.Sprintf("used the archive's only top-level directory %s/ as the app's root", top)
}

// maxLinkHops bounds link chains (and loops), as the kernel's ELOOP does.
const maxLinkHops = 40

// checkLinks resolves every symlink through the tree's own links: a chain
// of links that each look harmless ("a/s" -> "..", "a/t" -> "s/..") must
// not lead out of the tree either.
func (b *builder) checkLinks() error {
	for p, e := range b.t.All() {
		if e.Mode != filemode.Symlink {
			continue
		}
		if !b.resolvesInside(p) {
			return badEntry(path.Join(b.top, p), fmt.Sprintf("is a symlink to %s, which leads outside the archive", quote(e.Target)))
		}
	}
	return nil
}

// Link targets that pile up components must not cost quadratic time: all
// resolutions of one archive together walk at most maxLinkSteps components,
// and a resolved path is at most maxPath long (PATH_MAX).
const (
	maxLinkSteps = 1 << 16
	maxPath      = 4096
)

func (b *builder) resolvesInside(p string) bool {
	var cur resolved // the resolved path so far, from the root
	todo := strings.Split(p, "/")
	for hops := 0; len(todo) > 0; b.steps++ {
		if b.steps > maxLinkSteps || len(cur.path) > maxPath {
			return false
		}
		part := todo[0]
		todo = todo[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			if !cur.pop() {
				return false
			}
			continue
		}
		cur.push(part)
		e, ok := b.t.Lookup(cur.path)
		if !ok || e.Mode != filemode.Symlink {
			continue // a dir, a file or nothing: a plain component
		}
		if hops++; hops > maxLinkHops || path.IsAbs(e.Target) {
			return false
		}
		cur.pop()
		todo = append(strings.Split(e.Target, "/"), todo...)
	}
	return true
}

// resolved is a relative path that grows and shrinks by components
// without re-joining them.
type resolved struct {
	path string
	ends []int // len(path) before each component was pushed
}

func (r *resolved) push(part string) {
	r.ends = append(r.ends, len(r.path))
	if r.path != "" {
		r.path += "/"
	}
	r.path += part
}

func (r *resolved) pop() bool {
	if len(r.ends) == 0 {
		return false
	}
	r.path = r.path[:r.ends[len(r.ends)-1]]
	r.ends = r.ends[:len(r.ends)-1]
	return true
}

func badEntry(name, why string) error {
	return ErrBadArchive.With(fmt.Sprintf("archive entry %s %s", quote(name), why), nil)
}

// quote shows a name from the archive safely: quoted, escaped, clipped.
func quote(s string) string {
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strconv.Quote(s)
}
