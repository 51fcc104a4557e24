package receive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/botrunner/botrunner/gitfsck"
	"github.com/botrunner/botrunner/gitpack"
	"github.com/botrunner/botrunner/repostore"
)

// quarantine holds a pushed pack beside the repo until the push is accepted.
// Nothing in it is visible to the repo: a rejected push just drops the dir.
type quarantine struct {
	dir      string
	st       *filesystem.Storage
	objects  int64                  // objects the client sent
	appended map[plumbing.Hash]bool // a thin pack's bases, taken from the repo
}

// receivePack reads one pack from in into a new quarantine dir inside
// repoDir (same filesystem, so moving in is a rename): bounded, indexed and
// checked as it arrives, completed from the repo if it is thin, and read no
// further than its trailer.
func receivePack(ctx context.Context, repoDir string, repo storer.EncodedObjectStorer, in io.Reader, lim gitpack.Limits) (*quarantine, error) {
	dir, err := os.MkdirTemp(repoDir, quarantinePrefix)
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	q := &quarantine{dir: dir}
	packDir := filepath.Join(dir, "objects", "pack")
	if err := os.MkdirAll(packDir, 0o700); err != nil {
		q.drop()
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	res, err := gitpack.Index(ctx, in, packDir, gitpack.Options{Limits: lim, Check: fsckObject, Base: baseFrom(repo)})
	if err != nil {
		q.drop()
		return nil, err
	}
	q.objects, q.appended = res.Objects, map[plumbing.Hash]bool{}
	for _, h := range res.Appended {
		q.appended[h] = true
	}
	q.st = openStorage(dir)
	return q, nil
}

// fsckObject checks a pushed commit, tree or tag as git's fsck does.
func fsckObject(t plumbing.ObjectType, data []byte) error {
	switch t {
	case plumbing.TreeObject:
		return gitfsck.CheckTree(data)
	case plumbing.CommitObject:
		return gitfsck.CheckCommit(data)
	case plumbing.TagObject:
		return gitfsck.CheckTag(data)
	}
	return nil
}

// baseFrom reads a thin pack's delta bases from the repo, refusing ones
// over max bytes before reading them.
func baseFrom(repo storer.EncodedObjectStorer) func(plumbing.Hash, int64) (plumbing.ObjectType, []byte, error) {
	return func(h plumbing.Hash, max int64) (plumbing.ObjectType, []byte, error) {
		o, err := repo.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		if o.Size() > max {
			return plumbing.InvalidObject, nil, fmt.Errorf("delta base of %d bytes is over the limit: %w", o.Size(), gitpack.ErrTooLarge)
		}
		r, err := o.Reader()
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, max+1))
		return o.Type(), data, err
	}
}

// openStorage opens a repository or quarantine dir (repostore.OpenStorage).
func openStorage(dir string) *filesystem.Storage { return repostore.OpenStorage(dir) }

// drop removes the quarantine and everything in it.
func (q *quarantine) drop() {
	if q != nil {
		_ = os.RemoveAll(q.dir)
	}
}

// moveInto renames the quarantined packs into the repo: the .pack first and
// the .idx last, because readers find packs through their index.
func (q *quarantine) moveInto(repoDir string) error {
	src := filepath.Join(q.dir, "objects", "pack")
	dst := filepath.Join(repoDir, "objects", "pack")
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	for _, ext := range []string{".pack", ".idx"} {
		files, err := filepath.Glob(filepath.Join(src, "pack-*"+ext))
		if err != nil {
			return err
		}
		for _, f := range files {
			to := filepath.Join(dst, filepath.Base(f))
			if _, err := os.Stat(to); err == nil {
				continue // the same pack is already in
			}
			if err := os.Rename(f, to); err != nil {
				return fmt.Errorf("move pack in: %w", err)
			}
		}
	}
	return nil
}

// layered reads objects from the quarantine first, then from the repo: the
// view of the repo as it will be if the push is accepted. Writes go to the
// repo storer, but nothing in this package writes through it.
type layered struct {
	storer.EncodedObjectStorer
	q storer.EncodedObjectStorer
}

func newLayered(repo *filesystem.Storage, q *quarantine) storer.EncodedObjectStorer {
	if q == nil {
		return repo
	}
	return &layered{EncodedObjectStorer: repo, q: q.st}
}

func (l *layered) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	o, err := l.q.EncodedObject(t, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return l.EncodedObjectStorer.EncodedObject(t, h)
	}
	return o, err
}

func (l *layered) HasEncodedObject(h plumbing.Hash) error {
	if err := l.q.HasEncodedObject(h); err == nil {
		return nil
	}
	return l.EncodedObjectStorer.HasEncodedObject(h)
}

func (l *layered) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	n, err := l.q.EncodedObjectSize(h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return l.EncodedObjectStorer.EncodedObjectSize(h)
	}
	return n, err
}
