package gitpack

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// FuzzIndex: whatever the bytes, Index returns (no panic, no hang), with
// either a pack and index on disk or one of its errors and nothing left.
func FuzzIndex(f *testing.F) {
	blob := object(kindBlob, 5, []byte("hello"))
	f.Add(rawPack(1, blob))
	f.Add(rawPack(2, blob, ofsEntry(len(blob), append(append([]byte{5, 6}, 0x90, 5), 'x'))))
	f.Add(rawPack(0xffffffff, blob))
	f.Add(append(rawPack(1, blob), 'j'))
	f.Add(rawPack(1, append(append([]byte{kindRefDelta<<4 | 2}, bytes.Repeat([]byte{7}, 20)...), deflate([]byte{5, 5})...)))
	lim := Limits{MaxBytes: 1 << 20, MaxObjects: 64, MaxObjectSize: 1 << 16, MaxInflated: 1 << 18, DeltaBudget: 1 << 10}
	base := func(h plumbing.Hash, max int64) (plumbing.ObjectType, []byte, error) {
		return plumbing.InvalidObject, nil, plumbing.ErrObjectNotFound
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		dir := t.TempDir()
		res, err := Index(context.Background(), bytes.NewReader(in), dir, Options{Limits: lim, Base: base})
		if err != nil {
			if !errors.Is(err, ErrBadPack) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrMissingObjects) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if left, _ := os.ReadDir(dir); len(left) > 0 {
				t.Fatalf("a refused pack left %d files", len(left))
			}
			return
		}
		if _, err := os.Stat(res.Idx); err != nil {
			t.Fatal(err)
		}
	})
}
