package receive

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// heapWatch is a fetch's output: it counts bytes and samples the heap
// every few MiB.
type heapWatch struct {
	n, next  int64
	peak     uint64
	baseline uint64
}

func (h *heapWatch) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	if h.n >= h.next {
		h.next = h.n + 4<<20
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		h.peak = max(h.peak, ms.HeapInuse)
	}
	return len(p), nil
}

// TestUploadPackMemoryIndependentOfFileSize clones a 100 MiB file: the
// heap in use while the pack goes out stays far below the file's size.
// The file reaches the repository by stock git pushing to its directory:
// what is measured is the fetch, and 100 MiB through a race-built
// receive-pack took minutes.
func TestUploadPackMemoryIndependentOfFileSize(t *testing.T) {
	const size = 100 << 20
	g := newGitServer(t)
	a := g.work()
	randomFile(t, a, "big.bin", size)
	g.git(a, "add", "big.bin")
	g.git(a, "commit", "-q", "-m", "big")
	g.git(a, "push", "-q", g.repoDir(), "main")
	tip := g.ref("refs/heads/main")
	require.Equal(t, g.git(a, "rev-parse", "HEAD"), tip)

	req := pkts("want "+tip+" side-band-64k ofs-delta thin-pack no-progress\n", "", "done\n")
	out := &heapWatch{}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	out.baseline = ms.HeapInuse
	require.NoError(t, g.repos.UploadPack(context.Background(), Session{App: app}, strings.NewReader(req), out))
	require.Greater(t, out.n, int64(size), "the pack holds the file")
	growth := int64(out.peak) - int64(out.baseline)
	t.Logf("heap in use grew by %d KiB while sending %d MiB", growth>>10, out.n>>20)
	assert.Less(t, growth, int64(16<<20), "heap growth")
}
