package receive

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"
)

// undoFails is a ref store whose writes fail once armed: an atomic push's
// second ref fails to move, then putting the first back fails too.
type undoFails struct {
	*memory.Storage
	armed bool
}

func (s *undoFails) SetReference(r *plumbing.Reference) error {
	if s.armed {
		return errors.New("disk full")
	}
	return s.Storage.SetReference(r)
}

func (s *undoFails) CheckAndSetReference(r, old *plumbing.Reference) error {
	if r.Name() == "refs/heads/b" {
		s.armed = true
		return errors.New("disk full")
	}
	return s.Storage.CheckAndSetReference(r, old)
}

// TestAtomicUndoFailureIsReported: when an atomic push cannot be put back,
// the pusher's status says so for that ref and the caller gets an error
// naming it, instead of a silent half-applied push.
func TestAtomicUndoFailureIsReported(t *testing.T) {
	old, next := plumbing.NewHash(strings.Repeat("1", 40)), plumbing.NewHash(strings.Repeat("2", 40))
	st := &undoFails{Storage: memory.NewStorage()}
	for _, n := range []plumbing.ReferenceName{"refs/heads/a", "refs/heads/b"} {
		if err := st.Storage.SetReference(plumbing.NewHashReference(n, old)); err != nil {
			t.Fatal(err)
		}
	}
	sts := []status{
		{cmd: Command{Name: "refs/heads/a", Old: old, New: next}},
		{cmd: Command{Name: "refs/heads/b", Old: old, New: next}},
	}
	err := applyAll(st, sts, true)
	if err == nil || !strings.Contains(err.Error(), "refs/heads/a") {
		t.Fatalf("applyAll = %v, want an error naming refs/heads/a", err)
	}
	if !strings.Contains(sts[0].reason, "could not be put back") || sts[0].err == nil {
		t.Errorf("status of the ref left moved: %+v", sts[0])
	}
	if sts[1].reason == "" {
		t.Errorf("status of the failed ref: %+v", sts[1])
	}
	if ref, _ := st.Reference("refs/heads/a"); ref.Hash() != next {
		t.Fatalf("setup: refs/heads/a = %v, want it left at the new value", ref)
	}

	// Without the failure, the same push is put back whole and no error.
	st2 := &undoFails{Storage: memory.NewStorage()}
	for _, n := range []plumbing.ReferenceName{"refs/heads/a", "refs/heads/b"} {
		_ = st2.Storage.SetReference(plumbing.NewHashReference(n, old))
	}
	st2.armed = false
	sts2 := []status{{cmd: sts[0].cmd}, {cmd: Command{Name: "refs/heads/c", Old: next, New: old}}}
	if err := applyAll(st2, sts2, true); err != nil {
		t.Errorf("clean rollback = %v", err)
	}
	if ref, _ := st2.Reference("refs/heads/a"); ref.Hash() != old {
		t.Errorf("refs/heads/a = %v after rollback, want %v", ref.Hash(), old)
	}
}
