package receive

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/botrunner/botrunner/gitfsck"
	"github.com/botrunner/botrunner/gitpack"
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
	q    *quarantine                // the pushed objects, or nil
	seen map[plumbing.Hash]bool
	inQ  int64 // pushed objects walked
}

func newWalker(repo, objs storer.EncodedObjectStorer, q *quarantine) *walker {
	return &walker{repo: repo, objs: objs, q: q, seen: map[plumbing.Hash]bool{}}
}

// pushed reports whether the client sent h (a thin pack's bases were
// appended from the repo and count as the repo's).
func (w *walker) pushed(h plumbing.Hash) bool {
	return w.q != nil && !w.q.appended[h] && w.q.st.HasEncodedObject(h) == nil
}

// coversPack refuses a pack with objects that no walked tip reaches: they
// would move in unchecked and be trusted by later pushes.
func (w *walker) coversPack(q *quarantine) error {
	if q == nil {
		return nil
	}
	if q.objects != w.inQ {
		return fmt.Errorf("pack has %d objects, the pushed refs reach %d of them: %w", q.objects, w.inQ, gitpack.ErrBadPack)
	}
	return nil
}

// checkTip verifies one command's new value: present, complete, and of a
// type its ref may hold (branches hold commits).
func (w *walker) checkTip(c Command) error {
	obj, err := object.GetObject(w.objs, c.New)
	if err != nil {
		return fmt.Errorf("%s: %w", c.New, gitpack.ErrMissingObjects)
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
		if w.pushed(h) {
			w.inQ++
			if !w.q.nonBlobs[h] {
				continue // a pushed blob: present, and it links to nothing
			}
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
		return nil, fmt.Errorf("object %s: %w", h, gitpack.ErrMissingObjects)
	}
	if err != nil {
		return nil, fmt.Errorf("object %s: %v: %w", h, err, gitpack.ErrBadPack)
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

// CheckEntryName refuses tree entry names that a checkout must never write
// (git's fsck rules for names, whatever the entry's mode).
func CheckEntryName(name string) error { return gitfsck.CheckName(name) }
