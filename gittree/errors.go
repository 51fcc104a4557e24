package gittree

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// ConflictError is a path Builder.Put refused: a parent of it is a file or
// a symlink (a path through a link could land anywhere), or something of
// another kind already stands at it.
type ConflictError struct {
	Path string            // the path being added
	At   string            // where the clash is: a parent of Path, or Path itself
	Old  filemode.FileMode // what stands at At
	New  filemode.FileMode // what was being added at Path
}

func (e *ConflictError) Error() string { return e.Path + " " + e.Why() }

// Why is the error without the path, for callers that show the path their
// own way: "goes through the symlink a", "appears twice, as a file and as
// a directory".
func (e *ConflictError) Why() string {
	if e.At != e.Path {
		return fmt.Sprintf("goes through the %s %s", Kind(e.Old), e.At)
	}
	return fmt.Sprintf("appears twice, as a %s and as a %s", Kind(e.Old), Kind(e.New))
}

// Kind names what a mode stands for, in the words people use: "directory",
// "symlink" or "file".
func Kind(m filemode.FileMode) string {
	switch m {
	case filemode.Dir:
		return "directory"
	case filemode.Symlink:
		return "symlink"
	}
	return "file"
}
