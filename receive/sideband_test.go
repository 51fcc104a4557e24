package receive

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawPkt reads one pkt-line without trimming its newline; nil is a flush.
func rawPkt(t *testing.T, r io.Reader) []byte {
	t.Helper()
	var hdr [4]byte
	_, err := io.ReadFull(r, hdr[:])
	require.NoError(t, err)
	var n int
	_, err = fmt.Sscanf(string(hdr[:]), "%04x", &n)
	require.NoError(t, err, "length %q", hdr)
	if n == 0 {
		return nil
	}
	p := make([]byte, n-4)
	_, err = io.ReadFull(r, p)
	require.NoError(t, err)
	return p
}

// demux splits a side-band-64k response after the advertisement into the
// report (band 1, still pkt-lines) and the progress (band 2).
func demux(t *testing.T, out []byte) (report []string, progress string) {
	t.Helper()
	r := bytes.NewReader(out)
	for rawPkt(t, r) != nil { // advertisement
	}
	var band1 bytes.Buffer
	var band2 strings.Builder
	for {
		p := rawPkt(t, r)
		if p == nil {
			break
		}
		require.NotEmpty(t, p, "side-band packet without a band")
		switch p[0] {
		case 1:
			band1.Write(p[1:])
		case 2:
			band2.Write(p[1:])
		default:
			t.Fatalf("band %d", p[0])
		}
	}
	assert.Zero(t, r.Len(), "nothing after the final flush")
	for p := rawPkt(t, &band1); p != nil; p = rawPkt(t, &band1) {
		report = append(report, strings.TrimSuffix(string(p), "\n"))
	}
	assert.Zero(t, band1.Len(), "nothing after the report's flush")
	return report, band2.String()
}

// slowWriter is a client that reads slowly; it is safe for concurrent use
// so that a late write shows as a test failure, not as a data race.
type slowWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(200 * time.Microsecond)
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *slowWriter) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]byte{}, w.buf.Bytes()...)
}

// TestReceivePackSideBandKeepalive: a quiet pipeline gets keepalives, and
// none of them may land after the final flush.
func TestReceivePackSideBandKeepalive(t *testing.T) {
	o := newObjs(t)
	c := o.simpleCommit("print(1)")
	pack := o.pack(o.all()...)
	for i := range 20 {
		r := newTestRepos(t, Options{Keepalive: 50 * time.Microsecond, Pipeline: PipelineFunc(func(ctx context.Context, p *Push) error {
			for j := range i % 4 {
				fmt.Fprintf(p.Progress, "step %d\n", j)
			}
			time.Sleep(time.Millisecond)
			return nil
		})})
		out := &slowWriter{}
		res, err := r.ReceivePack(context.Background(), Session{App: app},
			bytes.NewReader(pushBytes([]update{{"refs/heads/main", plumbing.ZeroHash, c}}, "report-status side-band-64k", pack)), out)
		require.NoError(t, err)
		assert.True(t, res.Accepted)
		snapshot := out.bytes()
		time.Sleep(2 * time.Millisecond) // a late keepalive would show now
		require.Equal(t, len(snapshot), len(out.bytes()), "written after ReceivePack returned")
		report, progress := demux(t, snapshot)
		assert.Equal(t, []string{"unpack ok", "ok refs/heads/main"}, report)
		assert.Equal(t, strings.Count(progress, "step"), i%4)
	}
}
