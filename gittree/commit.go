package gittree

import (
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Commit stores in st a commit of tree by sig (author and committer) with
// message msg, as given (git ends messages with "\n": add it when wanted),
// and returns its hash. A non-zero parent is the commit's one parent,
// which makes it a fast-forward of a branch at parent.
func Commit(st storer.EncodedObjectStorer, tree, parent plumbing.Hash, sig object.Signature, msg string) (plumbing.Hash, error) {
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree}
	if !parent.IsZero() {
		c.ParentHashes = []plumbing.Hash{parent}
	}
	return store(st, c)
}

// encoder is what store needs of a git object.
type encoder interface {
	Encode(plumbing.EncodedObject) error
}

func store(st storer.EncodedObjectStorer, o encoder) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}
