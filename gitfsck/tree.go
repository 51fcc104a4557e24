package gitfsck

import (
	"bytes"
	"fmt"
	"strings"
)

// Entry is one parsed tree entry.
type Entry struct {
	Mode uint32
	Name string
	Hash [20]byte
}

// Git's modes. 100664 was written by very old gits; fsck --strict refuses it
// and so do we.
const (
	ModeFile    = 0o100644
	ModeExec    = 0o100755
	ModeSymlink = 0o120000
	ModeDir     = 0o040000
	ModeGitlink = 0o160000
)

// CheckTree parses a tree object's content and refuses it where git's
// fsck --strict would: bad modes (also zero-padded), empty names, ".",
// "..", names with "/" or NUL, .git in any filesystem's spelling, a
// symlinked .gitmodules, null object ids, duplicates and entries out of
// git's order.
func CheckTree(data []byte) error {
	var prev *Entry
	files := map[string]bool{} // non-directory names, for dups a dir sorts apart from
	for len(data) > 0 {
		e, rest, err := parseEntry(data)
		if err != nil {
			return err
		}
		data = rest
		if err := checkEntry(e); err != nil {
			return err
		}
		if e.Mode == ModeDir {
			if files[e.Name] {
				return treeErr(e.Name, "duplicate entry")
			}
		} else {
			files[e.Name] = true
		}
		if prev != nil {
			if err := checkOrder(*prev, e); err != nil {
				return err
			}
		}
		prev = &e
	}
	return nil
}

// parseEntry reads "<octal mode> <name>\0<20-byte id>".
func parseEntry(data []byte) (Entry, []byte, error) {
	sp := bytes.IndexByte(data, ' ')
	if sp <= 0 {
		return Entry{}, nil, fmt.Errorf("tree entry without a mode: %w", ErrBadTree)
	}
	if data[0] == '0' {
		return Entry{}, nil, fmt.Errorf("tree entry with a zero-padded mode: %w", ErrBadTree)
	}
	var mode uint32
	for _, c := range data[:sp] {
		if c < '0' || c > '7' || mode > 0o7777777 {
			return Entry{}, nil, fmt.Errorf("tree entry with a bad mode %q: %w", clip(string(data[:sp])), ErrBadTree)
		}
		mode = mode<<3 | uint32(c-'0')
	}
	nul := bytes.IndexByte(data[sp+1:], 0)
	if nul < 0 || len(data) < sp+1+nul+1+20 {
		return Entry{}, nil, fmt.Errorf("truncated tree entry: %w", ErrBadTree)
	}
	e := Entry{Mode: mode, Name: string(data[sp+1 : sp+1+nul])}
	end := sp + 1 + nul + 1
	copy(e.Hash[:], data[end:end+20])
	return e, data[end+20:], nil
}

func checkEntry(e Entry) error {
	switch e.Mode {
	case ModeFile, ModeExec, ModeSymlink, ModeDir, ModeGitlink:
	default:
		return treeErr(e.Name, fmt.Sprintf("bad mode %o", e.Mode))
	}
	if err := CheckName(e.Name); err != nil {
		return err
	}
	switch {
	case e.Mode == ModeSymlink && IsDotGitmodules(e.Name):
		return treeErr(e.Name, ".gitmodules is a symbolic link")
	case e.Hash == [20]byte{}:
		return treeErr(e.Name, "points at the null object id")
	}
	return nil
}

// CheckName refuses a tree entry name git's fsck refuses whatever its mode:
// empty, ".", "..", with "/" or NUL, or .git on any filesystem.
func CheckName(name string) error {
	e := Entry{Name: name}
	switch {
	case e.Name == "":
		return treeErr(e.Name, "empty name")
	case e.Name == ".", e.Name == "..":
		return treeErr(e.Name, "is not a file name")
	case strings.ContainsAny(e.Name, "/\x00"):
		return treeErr(e.Name, "contains / or NUL")
	case IsDotGit(e.Name):
		return treeErr(e.Name, "is .git on some filesystems")
	}
	return nil
}

// checkOrder refuses b after a unless b sorts after a in git's tree order,
// where a directory's name compares as if it ended in "/".
func checkOrder(a, b Entry) error {
	n := min(len(a.Name), len(b.Name))
	if c := strings.Compare(a.Name[:n], b.Name[:n]); c != 0 {
		if c > 0 {
			return treeErr(b.Name, "out of order")
		}
		return nil
	}
	c1, c2 := sortByte(a, n), sortByte(b, n)
	if len(a.Name) == len(b.Name) {
		return treeErr(b.Name, "duplicate entry")
	}
	if c1 > c2 {
		return treeErr(b.Name, "out of order")
	}
	return nil
}

func sortByte(e Entry, i int) byte {
	if i < len(e.Name) {
		return e.Name[i]
	}
	if e.Mode == ModeDir {
		return '/'
	}
	return 0
}

func treeErr(name, what string) error {
	return fmt.Errorf("tree entry %q %s: %w", clip(name), what, ErrBadTree)
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
