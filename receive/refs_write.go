package receive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
)

// renamingRefs writes loose refs as git does, not as go-git does. go-git
// truncates a ref file and writes it again in place: a gitd killed between
// the two leaves an empty file (the branch is gone), and a fetch or a
// backup reading meanwhile sees no ref. Here the new value goes to
// <ref>.lock, is synced, and is renamed over the ref: a reader sees the old
// value or the new one, and a kill at any point leaves one of them.
// Everything else (reads, deletes, packed-refs) is go-git's; its
// packed-refs rewrite is a rename too.
type renamingRefs struct {
	storer.ReferenceStorer
	root string // the repository's dir
}

// SetReference writes ref.
func (s renamingRefs) SetReference(ref *plumbing.Reference) error {
	return writeRefFile(s.root, ref)
}

// CheckAndSetReference writes ref if the ref still has old's value (nil:
// whatever it has). The app's lock, held by the push, keeps other writers
// out between the check and the write.
func (s renamingRefs) CheckAndSetReference(ref, old *plumbing.Reference) error {
	if old != nil {
		cur, err := s.ReferenceStorer.Reference(old.Name())
		if err != nil && !errors.Is(err, plumbing.ErrReferenceNotFound) {
			return err
		}
		if cur == nil || cur.Hash() != old.Hash() {
			return storage.ErrReferenceHasChanged
		}
	}
	return writeRefFile(s.root, ref)
}

// writeRefFile writes ref's file through <file>.lock and a rename. A lock
// file left by a gitd killed mid-write is taken over: only the holder of
// the app's lock writes refs.
func writeRefFile(root string, ref *plumbing.Reference) error {
	path := filepath.Join(root, filepath.FromSlash(ref.Name().String()))
	var content string
	switch ref.Type() {
	case plumbing.HashReference:
		content = ref.Hash().String() + "\n"
	case plumbing.SymbolicReference:
		content = "ref: " + ref.Target().String() + "\n"
	default:
		return fmt.Errorf("write %s: not a ref", ref.Name())
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", ref.Name(), err)
	}
	lock := path + ".lock"
	_ = os.Remove(lock)
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", ref.Name(), err)
	}
	_, err = f.WriteString(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(lock, path)
	}
	if err != nil {
		_ = os.Remove(lock)
		return fmt.Errorf("write %s: %w", ref.Name(), err)
	}
	return nil
}
