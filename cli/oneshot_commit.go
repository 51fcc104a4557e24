package cli

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/botrunner/botrunner/gittree"
)

// builtCommit is a commit made in memory, with every object it needs.
type builtCommit struct {
	Store *memory.Storage
	Hash  plumbing.Hash
}

// buildCommit stores the blobs, trees and the commit for files in a fresh
// memory storage: nothing touches the disk, and no git binary is needed.
// A non-zero parent makes the push a fast-forward of the deploy branch.
func buildCommit(files []treeFile, parent plumbing.Hash, sig object.Signature, msg string) (builtCommit, error) {
	b := gittree.New()
	for _, f := range files {
		err := b.Add(f.Path, f.Mode, f.Data)
		var c *gittree.ConflictError
		switch {
		case errors.As(err, &c):
			return builtCommit{}, ErrBadFile.With(fmt.Sprintf("%s is both a file and a directory", f.Path), err)
		case err != nil:
			return builtCommit{}, fmt.Errorf("store %s: %w", f.Path, err)
		}
	}
	tree, err := b.Write()
	if err != nil {
		return builtCommit{}, err
	}
	h, err := gittree.Commit(b.Storage(), tree, parent, sig, msg)
	if err != nil {
		return builtCommit{}, fmt.Errorf("store commit: %w", err)
	}
	return builtCommit{Store: b.Storage(), Hash: h}, nil
}
