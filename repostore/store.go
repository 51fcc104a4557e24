package repostore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/botrunner/botrunner/names"
)

// Store keeps one bare repository per app under a root directory.
type Store struct {
	root  string
	locks *lockSet
}

// Open opens (creating) the root.
func Open(root string) (*Store, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("repos dir: %w", err)
	}
	return &Store{root: root, locks: newLockSet()}, nil
}

// Glob returns the paths under the root matching pattern (filepath.Glob),
// e.g. "*.git/quarantine-*".
func (r *Store) Glob(pattern string) []string {
	found, _ := filepath.Glob(filepath.Join(r.root, pattern))
	return found
}

// Path returns the app's repo dir; the name is checked again here because
// this is where it becomes a path.
func (r *Store) Path(app string) (string, error) {
	if err := names.ValidApp(app); err != nil {
		return "", err
	}
	return filepath.Join(r.root, app+".git"), nil
}

// Exists reports whether the app has a repository.
func (r *Store) Exists(app string) bool {
	p, err := r.Path(app)
	if err != nil {
		return false
	}
	_, err = os.Stat(filepath.Join(p, "HEAD"))
	return err == nil
}

// Create makes an empty bare repository whose HEAD names main.
func (r *Store) Create(app string) error {
	p, err := r.Path(app)
	if err != nil {
		return err
	}
	if r.Exists(app) {
		return nil
	}
	repo, err := git.PlainInit(p, true)
	if err != nil {
		return fmt.Errorf("create repo %s: %w", app, err)
	}
	head := plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("main"))
	if err := repo.Storer.SetReference(head); err != nil {
		return fmt.Errorf("create repo %s: %w", app, err)
	}
	return nil
}

// Delete removes the app's repository once no push to it is running.
func (r *Store) Delete(app string) error {
	return r.DeleteAfter(context.Background(), app, nil)
}

// DeleteAfter takes the app's lock, runs first (if not nil; e.g. stopping
// the app's bot), then removes the repository. Under the lock, no deploy
// of the app can start a bot between the two.
func (r *Store) DeleteAfter(ctx context.Context, app string, first func() error) error {
	p, err := r.Path(app)
	if err != nil {
		return err
	}
	unlock, err := r.Lock(ctx, app, nil)
	if err != nil {
		return err
	}
	defer unlock()
	if first != nil {
		if err := first(); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("delete repo %s: %w", app, err)
	}
	return nil
}

// Lock takes the app's lock, the one pushes hold while they check, run the
// pipeline and move refs. onWait is called once if the caller has to wait.
func (r *Store) Lock(ctx context.Context, app string, onWait func()) (func(), error) {
	return r.locks.lock(ctx, app, onWait)
}

// Storage returns a fresh storage for the app. A fresh one per use matters:
// go-git caches the pack index list, and pushes add packs.
func (r *Store) Storage(app string) (*filesystem.Storage, error) {
	p, err := r.Path(app)
	if err != nil {
		return nil, err
	}
	if !r.Exists(app) {
		return nil, ErrNoRepo
	}
	return OpenStorage(p), nil
}

// Head returns the commit the app's ref points at (e.g. "refs/heads/main").
func (r *Store) Head(app string, ref plumbing.ReferenceName) (plumbing.Hash, error) {
	st, err := r.Storage(app)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	ref2, err := st.Reference(ref)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return ref2.Hash(), nil
}

// Tree returns the tree of a commit in the app's repository (rebuilds read
// old commits this way).
func (r *Store) Tree(app, commit string) (*object.Tree, error) {
	st, err := r.Storage(app)
	if err != nil {
		return nil, err
	}
	if len(commit) != 40 || strings.ToLower(commit) != commit || !plumbing.IsHash(commit) {
		return nil, ErrBadCommit.With(fmt.Sprintf("commit %q is not a commit ID", commit[:min(len(commit), 80)]), nil)
	}
	h := plumbing.NewHash(commit)
	c, err := object.GetCommit(st, h)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", commit, err)
	}
	return c.Tree()
}

// OpenStorage opens a repository or quarantine dir; objects over 1 MiB are
// streamed from their pack rather than read whole into memory.
func OpenStorage(dir string) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(osfs.New(dir), cache.NewObjectLRUDefault(),
		filesystem.Options{LargeObjectThreshold: 1 << 20})
}
