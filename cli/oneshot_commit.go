package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
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
	st := memory.NewStorage()
	root := &dirNode{}
	for _, f := range files {
		if err := root.add(strings.Split(f.Path, "/"), f); err != nil {
			return builtCommit{}, err
		}
	}
	tree, err := root.write(st)
	if err != nil {
		return builtCommit{}, err
	}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree}
	if !parent.IsZero() {
		c.ParentHashes = []plumbing.Hash{parent}
	}
	h, err := storeObject(st, c)
	if err != nil {
		return builtCommit{}, fmt.Errorf("store commit: %w", err)
	}
	return builtCommit{Store: st, Hash: h}, nil
}

// encoder is what storeObject needs of a git object.
type encoder interface {
	Encode(plumbing.EncodedObject) error
}

func storeObject(st *memory.Storage, o encoder) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// dirNode is one directory of the tree being built.
type dirNode struct {
	files map[string]treeFile
	dirs  map[string]*dirNode
}

func (n *dirNode) add(parts []string, f treeFile) error {
	name := parts[0]
	if len(parts) == 1 {
		if n.files == nil {
			n.files = map[string]treeFile{}
		}
		if _, dup := n.dirs[name]; dup {
			return ErrBadFile.With(fmt.Sprintf("%s is both a file and a directory", f.Path), nil)
		}
		n.files[name] = f
		return nil
	}
	if _, dup := n.files[name]; dup {
		return ErrBadFile.With(fmt.Sprintf("%s is both a file and a directory", f.Path), nil)
	}
	if n.dirs == nil {
		n.dirs = map[string]*dirNode{}
	}
	d := n.dirs[name]
	if d == nil {
		d = &dirNode{}
		n.dirs[name] = d
	}
	return d.add(parts[1:], f)
}

// write stores the directory's blobs and subtrees, then the tree itself.
func (n *dirNode) write(st *memory.Storage) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	for name, f := range n.files {
		blob := st.NewEncodedObject()
		blob.SetType(plumbing.BlobObject)
		blob.SetSize(int64(len(f.Data)))
		w, err := blob.Writer()
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return plumbing.ZeroHash, err
		}
		_ = w.Close()
		h, err := st.SetEncodedObject(blob)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("store %s: %w", f.Path, err)
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: f.Mode, Hash: h})
	}
	for name, d := range n.dirs {
		h, err := d.write(st)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	sortEntries(entries)
	return storeObject(st, &object.Tree{Entries: entries})
}

// sortEntries puts entries in git's tree order, where a directory sorts as
// if its name ended in "/" ("a.py" < "a/" < "a0"); git fsck rejects others.
func sortEntries(es []object.TreeEntry) {
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(es, func(i, j int) bool { return key(es[i]) < key(es[j]) })
}
