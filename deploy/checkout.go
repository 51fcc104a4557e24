package deploy

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/botrunner/botrunner/receive"
)

// Limits bound a checkout.
type Limits struct {
	MaxFiles int   // entries in the tree; default 20000
	MaxBytes int64 // total file size; default 500 MiB
}

func (l Limits) withDefaults() Limits {
	if l.MaxFiles <= 0 {
		l.MaxFiles = 20000
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = 500 << 20
	}
	return l
}

// Checkout writes tree into dir, which must be empty. It never writes
// outside dir: names are checked again here (not only at push time),
// symlinks must resolve inside the tree, submodules are skipped, and files
// are created exclusively so that nothing already there is followed.
func Checkout(tree *object.Tree, dir string, lim Limits) error {
	c := &checkout{root: dir, lim: lim.withDefaults()}
	if err := c.tree(tree, ""); err != nil {
		return err
	}
	return c.verifyLinks()
}

type checkout struct {
	root  string
	lim   Limits
	files int
	bytes int64
	links []string // relative paths of the symlinks written
}

// verifyLinks resolves every written link now that all of them exist: a
// chain of links that each look harmless on their own ("x/y/s" -> "../..",
// "x/y/t" -> "s/../..") must not reach outside. It resolves inside the
// checkout only and never looks at the host's files, so a push cannot
// learn which host paths exist from whether it is refused.
func (c *checkout) verifyLinks() error {
	for _, p := range c.links {
		if err := c.resolveInside(p); err != nil {
			return fmt.Errorf("%s resolves outside the repo: %w", p, ErrUnsafeTree)
		}
	}
	return nil
}

// maxLinkHops bounds link chains (and loops), as the kernel's ELOOP does;
// maxLinkSteps and maxLinkTarget bound the work one resolution may cost
// (PATH_MAX), so long chained targets cannot make a checkout quadratic.
const (
	maxLinkHops   = 40
	maxLinkSteps  = 4096
	maxLinkTarget = 4095
)

// resolveInside follows the link at rel component by component, reading
// only links inside the checkout; it fails when a ".." would climb above
// the root or the chain is too long.
func (c *checkout) resolveInside(rel string) error {
	var stack []string // the resolved path so far, from the root
	todo := strings.Split(rel, "/")
	for hops, steps := 0, 0; len(todo) > 0; steps++ {
		if steps > maxLinkSteps {
			return errOutside
		}
		part := todo[0]
		todo = todo[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				return errOutside
			}
			stack = stack[:len(stack)-1]
			continue
		}
		stack = append(stack, part)
		target, err := os.Readlink(filepath.Join(c.root, filepath.FromSlash(strings.Join(stack, "/"))))
		if err != nil {
			continue // not a link (or not there): a plain component
		}
		if hops++; hops > maxLinkHops || path.IsAbs(target) || len(target) > maxLinkTarget {
			return errOutside
		}
		stack = stack[:len(stack)-1]
		todo = append(strings.Split(target, "/"), todo...)
	}
	return nil
}

var errOutside = errors.New("outside the tree")

func (c *checkout) tree(t *object.Tree, rel string) error {
	for _, e := range t.Entries {
		if err := receive.CheckEntryName(e.Name); err != nil {
			return fmt.Errorf("%s: %v: %w", path.Join(rel, e.Name), err, ErrUnsafeTree)
		}
		if c.files++; c.files > c.lim.MaxFiles {
			return fmt.Errorf("more than %d files: %w", c.lim.MaxFiles, ErrTreeTooLarge)
		}
		p := path.Join(rel, e.Name)
		if err := c.entry(t, e, p); err != nil {
			return err
		}
	}
	return nil
}

func (c *checkout) entry(t *object.Tree, e object.TreeEntry, p string) error {
	dst := filepath.Join(c.root, filepath.FromSlash(p))
	switch e.Mode {
	case filemode.Dir:
		sub, err := t.Tree(e.Name)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if err := os.Mkdir(dst, 0o755); err != nil {
			return fmt.Errorf("checkout %s: %w", p, err)
		}
		return c.tree(sub, p)
	case filemode.Regular, filemode.Deprecated, filemode.Executable:
		return c.file(t, e, p, dst)
	case filemode.Symlink:
		return c.symlink(t, e, p, dst)
	case filemode.Submodule:
		return nil // a gitlink has no content here
	}
	return fmt.Errorf("%s has mode %s: %w", p, e.Mode, ErrUnsafeTree)
}

func (c *checkout) file(t *object.Tree, e object.TreeEntry, p, dst string) error {
	f, err := t.TreeEntryFile(&e)
	if err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	if c.bytes += f.Size; c.bytes > c.lim.MaxBytes {
		return fmt.Errorf("more than %d MiB: %w", c.lim.MaxBytes>>20, ErrTreeTooLarge)
	}
	mode := os.FileMode(0o644)
	if e.Mode == filemode.Executable {
		mode = 0o755
	}
	r, err := f.Reader()
	if err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	defer r.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("checkout %s: %w", p, err)
	}
	_, err = io.Copy(out, r)
	return errors.Join(err, out.Close())
}

// symlink keeps links that stay inside the tree and refuses the rest: an
// absolute target, or one that climbs out with "..".
func (c *checkout) symlink(t *object.Tree, e object.TreeEntry, p, dst string) error {
	f, err := t.TreeEntryFile(&e)
	if err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	target, err := f.Contents()
	if err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	if !linkStaysInside(p, target) {
		return fmt.Errorf("%s links to %q, outside the repo: %w", p, clip(target), ErrUnsafeTree)
	}
	c.links = append(c.links, p)
	return os.Symlink(target, dst)
}

// linkStaysInside reports whether a link at relative path p with the given
// target resolves inside the tree (lexically: the checkout writes no link
// before its parent dirs, and every earlier link was checked the same way).
func linkStaysInside(p, target string) bool {
	if target == "" || path.IsAbs(target) || strings.ContainsRune(target, 0) {
		return false
	}
	resolved := path.Join(path.Dir(p), target)
	return resolved != ".." && !strings.HasPrefix(resolved, "../")
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
