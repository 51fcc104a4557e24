package receive

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// walker checks that what a push points refs at is complete: every object
// reachable from a new ref value is in the repo or in the quarantine. The
// repo is complete by induction, so the walk stops at the first object it
// already has and only ever visits what the push adds. New trees are checked
// for entry names that could escape a checkout.
//
// The induction holds only if every object that moves in was walked: the
// whole pack moves in, so the walk goes through pushed objects even when the
// repo has them too, counts them, and the push is refused when the pack
// holds objects no pushed ref reaches (see coversPack).
type walker struct {
	repo storer.EncodedObjectStorer // the repo alone
	objs storer.EncodedObjectStorer // repo + quarantine
	quar storer.EncodedObjectStorer // the quarantine alone, or nil
	seen map[plumbing.Hash]bool
	inQ  uint32 // quarantined objects walked
}

func newWalker(repo, objs storer.EncodedObjectStorer, q *quarantine) *walker {
	w := &walker{repo: repo, objs: objs, seen: map[plumbing.Hash]bool{}}
	if q != nil {
		w.quar = q.st
	}
	return w
}

// coversPack refuses a pack with objects that no walked tip reaches: they
// would move in unchecked and be trusted by later pushes.
func (w *walker) coversPack(q *quarantine) error {
	if q == nil {
		return nil
	}
	n, err := q.objectCount()
	if err != nil {
		return fmt.Errorf("count pack objects: %v: %w", err, ErrBadPack)
	}
	if n != w.inQ {
		return fmt.Errorf("pack has %d objects, the pushed refs reach %d of them: %w", n, w.inQ, ErrBadPack)
	}
	return nil
}

// checkTip verifies one command's new value: present, complete, and of a
// type its ref may hold (branches hold commits).
func (w *walker) checkTip(c Command) error {
	obj, err := object.GetObject(w.objs, c.New)
	if err != nil {
		return fmt.Errorf("%s: %w", c.New, ErrMissingObjects)
	}
	if c.Name.IsBranch() && obj.Type() != plumbing.CommitObject {
		return fmt.Errorf("%s is a %s; branches must point at commits: %w", c.Name, obj.Type(), ErrBadRequest)
	}
	return w.walk(c.New)
}

func (w *walker) walk(start plumbing.Hash) error {
	stack := []plumbing.Hash{start}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if w.seen[h] {
			continue
		}
		w.seen[h] = true
		if w.quar != nil && w.quar.HasEncodedObject(h) == nil {
			w.inQ++
		} else if w.repo.HasEncodedObject(h) == nil {
			continue
		}
		next, err := w.links(h)
		if err != nil {
			return err
		}
		stack = append(stack, next...)
	}
	return nil
}

// links returns the objects h points at.
func (w *walker) links(h plumbing.Hash) ([]plumbing.Hash, error) {
	obj, err := object.GetObject(w.objs, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, fmt.Errorf("object %s: %w", h, ErrMissingObjects)
	}
	if err != nil {
		return nil, fmt.Errorf("object %s: %v: %w", h, err, ErrBadPack)
	}
	switch o := obj.(type) {
	case *object.Commit:
		return append([]plumbing.Hash{o.TreeHash}, o.ParentHashes...), nil
	case *object.Tag:
		return []plumbing.Hash{o.Target}, nil
	case *object.Tree:
		return treeLinks(o)
	}
	return nil, nil
}

func treeLinks(t *object.Tree) ([]plumbing.Hash, error) {
	var out []plumbing.Hash
	for _, e := range t.Entries {
		if err := CheckEntryName(e.Name); err != nil {
			return nil, err
		}
		if e.Mode == filemode.Submodule {
			continue // a gitlink names a commit in another repo
		}
		out = append(out, e.Hash)
	}
	return out, nil
}

// CheckEntryName refuses tree entry names that a checkout must never write.
func CheckEntryName(name string) error {
	switch {
	case name == "", name == ".", name == "..", strings.EqualFold(name, ".git"),
		strings.ContainsAny(name, "/\x00"):
		return fmt.Errorf("tree entry %q: %w", clip(name), ErrBadTree)
	}
	return nil
}
