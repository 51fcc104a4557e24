package receive

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/botrunner/botrunner/bytesize"
)

// quarantine holds a pushed pack beside the repo until the push is accepted.
// Nothing in it is visible to the repo: a rejected push just drops the dir.
type quarantine struct {
	dir string
	st  *filesystem.Storage
}

// receivePack streams the pack from in into a new quarantine dir inside
// repoDir (same filesystem, so moving in is a rename), indexing it as it
// arrives and refusing to read past max bytes.
func receivePack(repoDir string, in io.Reader, max int64) (*quarantine, error) {
	dir, err := os.MkdirTemp(repoDir, quarantinePrefix)
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	q := &quarantine{dir: dir}
	if err := os.MkdirAll(filepath.Join(dir, "objects", "pack"), 0o700); err != nil {
		q.drop()
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	q.st = filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRUDefault())
	w, err := q.st.PackfileWriter()
	if err != nil {
		q.drop()
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	lr := &bytesize.Reader{R: in, N: max}
	_, copyErr := io.Copy(w, lr)
	closeErr := w.Close()
	switch {
	case lr.Over:
		q.drop()
		return nil, fmt.Errorf("pack over %s: %w", bytesize.Format(max), ErrPushTooLarge)
	case copyErr != nil:
		q.drop()
		return nil, fmt.Errorf("read pack: %v: %w", copyErr, ErrBadPack)
	case closeErr != nil:
		q.drop()
		return nil, fmt.Errorf("index pack: %v: %w", closeErr, ErrBadPack)
	case q.hasPack(plumbing.ZeroHash):
		// go-git takes a pack that ends where its trailer should start and
		// names it pack-000…: a second such push would not move in.
		q.drop()
		return nil, fmt.Errorf("pack has no checksum: %w", ErrBadPack)
	}
	q.st = filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRUDefault())
	return q, nil
}

func (q *quarantine) hasPack(h plumbing.Hash) bool {
	_, err := os.Stat(filepath.Join(q.dir, "objects", "pack", "pack-"+h.String()+".pack"))
	return err == nil
}

// objectCount sums the object counts in the quarantined packs' headers.
func (q *quarantine) objectCount() (uint32, error) {
	packs, err := filepath.Glob(filepath.Join(q.dir, "objects", "pack", "pack-*.pack"))
	if err != nil {
		return 0, err
	}
	var n uint32
	for _, p := range packs {
		f, err := os.Open(p)
		if err != nil {
			return 0, err
		}
		var hdr [12]byte // "PACK", version, count
		_, err = io.ReadFull(f, hdr[:])
		_ = f.Close()
		if err != nil {
			return 0, err
		}
		n += binary.BigEndian.Uint32(hdr[8:])
	}
	return n, nil
}

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
