package intake

import (
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/botrunner/botrunner/gittree"
)

// Tree is a source tree held as git objects in memory: Hash names the root
// tree in Objects. Note says what was done to the input on the way in
// (e.g. a stripped top-level directory), for the user.
type Tree struct {
	Objects *memory.Storage
	Hash    plumbing.Hash
	Files   int
	Note    string
}

// builder is an archive's tree being built: gittree's builder, which makes
// the trees and refuses paths through files and links, plus what the
// archive's own checks (top-level dir, links) keep.
type builder struct {
	t     *gittree.Builder
	top   string // the top-level dir stripped, to name entries as the archive did
	steps int    // path components walked resolving links (see checkLinks)
}

func newBuilder() *builder {
	return &builder{t: gittree.New()}
}

// add stores a file or symlink at p: data is its content or link target.
func (b *builder) add(p string, mode filemode.FileMode, data []byte) error {
	return entryError(b.t.Add(p, mode, data))
}

// put records e (a dir, or a copy of an earlier file) at p.
func (b *builder) put(p string, e gittree.Entry) error {
	return entryError(b.t.Put(p, e))
}

// entryError names a refused path as the archive's bad entry.
func entryError(err error) error {
	var c *gittree.ConflictError
	if errors.As(err, &c) {
		return badEntry(c.Path, c.Why())
	}
	return err
}
