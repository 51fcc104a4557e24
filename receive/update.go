package receive

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// checkOld verifies that the ref still has the value the client based its
// push on: compare, before anything is swapped.
func checkOld(st storer.ReferenceStorer, c Command) error {
	cur, err := current(st, c.Name)
	if err != nil {
		return err
	}
	if cur != c.Old {
		return fmt.Errorf("%s is at %s, not %s: %w", c.Name, short(cur), short(c.Old), ErrStale)
	}
	return nil
}

func current(st storer.ReferenceStorer, name plumbing.ReferenceName) (plumbing.Hash, error) {
	ref, err := st.Reference(name)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read %s: %w", name, err)
	}
	return ref.Hash(), nil
}

// apply moves one ref with compare-and-swap against its old value.
func apply(st storer.ReferenceStorer, c Command) error {
	if err := checkOld(st, c); err != nil {
		return err
	}
	if c.IsDelete() {
		return st.RemoveReference(c.Name)
	}
	var old *plumbing.Reference
	if !c.Old.IsZero() {
		old = plumbing.NewHashReference(c.Name, c.Old)
	}
	return st.CheckAndSetReference(plumbing.NewHashReference(c.Name, c.New), old)
}

// undo puts a ref back to the value it had before apply.
func undo(st storer.ReferenceStorer, c Command) error {
	if c.Old.IsZero() {
		return st.RemoveReference(c.Name)
	}
	return st.SetReference(plumbing.NewHashReference(c.Name, c.Old))
}

// applyAll moves the accepted refs. Atomic pushes are all or nothing: on
// the first failure the refs already moved are put back. The error says
// which refs could not be put back: the repository then holds part of an
// atomic push, which its admin must hear of.
func applyAll(st storer.ReferenceStorer, sts []status, atomic bool) error {
	var done []int
	for i := range sts {
		if sts[i].reason != "" {
			continue
		}
		if err := apply(st, sts[i].cmd); err != nil {
			sts[i].reason, sts[i].err = reason(err), err
			if atomic {
				return rollback(st, sts, done)
			}
			continue
		}
		done = append(done, i)
	}
	return nil
}

func rollback(st storer.ReferenceStorer, sts []status, done []int) error {
	var errs []error
	for _, i := range done {
		if err := undo(st, sts[i].cmd); err != nil {
			err = fmt.Errorf("put back %s to %s: %w", sts[i].cmd.Name, short(sts[i].cmd.Old), err)
			sts[i].reason, sts[i].err = "atomic push failed and this ref could not be put back", err
			errs = append(errs, err)
		}
	}
	failAll(sts, "atomic push failed")
	return errors.Join(errs...)
}

// failAll marks every command not yet failed with reason.
func failAll(sts []status, why string) {
	for i := range sts {
		if sts[i].reason == "" {
			sts[i].reason = why
		}
	}
}

// fixHead points HEAD at a branch that exists when its target does not, so
// that a clone of a repo first pushed as master checks something out.
func fixHead(st storer.ReferenceStorer) {
	head, err := st.Reference(plumbing.HEAD)
	if err == nil && head.Type() == plumbing.SymbolicReference {
		if _, err := st.Reference(head.Target()); err == nil {
			return
		}
	}
	refs, err := visibleRefs(st)
	if err != nil {
		return
	}
	var pick plumbing.ReferenceName
	for _, ref := range refs {
		n := ref.Name()
		switch {
		case n == "refs/heads/main":
			pick = n
		case n == "refs/heads/master" && pick != "refs/heads/main":
			pick = n
		case pick == "" && n.IsBranch():
			pick = n
		}
	}
	if pick != "" {
		_ = st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, pick))
	}
}

func short(h plumbing.Hash) string {
	if h.IsZero() {
		return "nothing"
	}
	return h.String()[:7]
}
