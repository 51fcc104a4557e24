package intake

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/botrunner/botrunner/receive"
)

// FuzzFromArchive: any input either fails cleanly or gives a tree whose
// every entry name a checkout may write.
func FuzzFromArchive(f *testing.F) {
	t := &testing.T{}
	f.Add(tgz(t, file("bot.py", "x"), symlink("l", "bot.py"), dir("d/"), file("d/x", "y")))
	f.Add(tgz(t, file("../x", "x")))
	f.Add(tgz(t, symlink("a/b/s", ".."), symlink("a/b/t", "s/../..")))
	f.Add(tgz(t, declared("big", 1<<30)))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := FromArchive(context.Background(), bytes.NewReader(data), Limits{Compressed: 1 << 16, Total: 1 << 18, File: 1 << 16, Entries: 64})
		if err != nil {
			return
		}
		root, err := object.GetTree(tr.Objects, tr.Hash)
		if err != nil {
			t.Fatalf("accepted tree unreadable: %v", err)
		}
		w := object.NewTreeWalker(root, true, nil)
		defer w.Close()
		for {
			_, e, err := w.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("walk: %v", err)
			}
			if err := receive.CheckEntryName(e.Name); err != nil {
				t.Fatalf("accepted an unsafe name: %v", err)
			}
		}
	})
}
