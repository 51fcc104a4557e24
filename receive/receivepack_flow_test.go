package receive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seeded is a repo whose main is at c1, with c2 (a child of c1) packed and
// ready to push.
type seeded struct {
	r      *Repos
	dir    string
	c1, c2 plumbing.Hash
	pack2  []byte
}

func newSeeded(t testing.TB, opts Options) *seeded {
	t.Helper()
	o := newObjs(t)
	c1 := o.simpleCommit("v1")
	pack1 := o.pack(o.all()...)
	before := map[plumbing.Hash]bool{}
	for _, h := range o.all() {
		before[h] = true
	}
	c2 := o.simpleCommit("v2", c1)
	var fresh []plumbing.Hash
	for _, h := range o.all() {
		if !before[h] {
			fresh = append(fresh, h)
		}
	}
	pipeline := opts.Pipeline
	opts.Pipeline = nil
	r := newTestRepos(t, opts)
	got := push(t, r, pushBytes([]update{{"refs/heads/main", plumbing.ZeroHash, c1}}, "report-status", pack1))
	require.Equal(t, []string{"unpack ok", "ok refs/heads/main"}, got.report)
	r.opts.Pipeline = pipeline
	dir, err := r.Path(app)
	require.NoError(t, err)
	return &seeded{r: r, dir: dir, c1: c1, c2: c2, pack2: o.pack(fresh...)}
}

func TestReceivePackRefUpdates(t *testing.T) {
	z := plumbing.ZeroHash
	tests := []struct {
		name string
		caps string
		ups  func(s *seeded) []update
		want []string
		main func(s *seeded) plumbing.Hash // main afterwards
	}{
		{"fast-forward", "report-status", func(s *seeded) []update { return []update{{"refs/heads/main", s.c1, s.c2}} },
			[]string{"unpack ok", "ok refs/heads/main"}, func(s *seeded) plumbing.Hash { return s.c2 }},
		{"stale old value", "report-status", func(s *seeded) []update { return []update{{"refs/heads/main", s.c2, s.c1}} },
			[]string{"unpack ok", "ng refs/heads/main stale info, fetch first"}, func(s *seeded) plumbing.Hash { return s.c1 }},
		{"create over an existing ref", "report-status", func(s *seeded) []update { return []update{{"refs/heads/main", z, s.c2}} },
			[]string{"unpack ok", "ng refs/heads/main stale info, fetch first"}, func(s *seeded) plumbing.Hash { return s.c1 }},
		{"one stale, not atomic", "report-status", func(s *seeded) []update {
			return []update{{"refs/heads/main", z, s.c2}, {"refs/heads/dev", z, s.c2}}
		}, []string{"unpack ok", "ng refs/heads/main stale info, fetch first", "ok refs/heads/dev"},
			func(s *seeded) plumbing.Hash { return s.c1 }},
		{"one stale, atomic", "report-status atomic", func(s *seeded) []update {
			return []update{{"refs/heads/dev", z, s.c2}, {"refs/heads/main", z, s.c2}}
		}, []string{"unpack ok", "ng refs/heads/dev atomic push failed", "ng refs/heads/main stale info, fetch first"},
			func(s *seeded) plumbing.Hash { return s.c1 }},
		{"no report-status", "", func(s *seeded) []update { return []update{{"refs/heads/main", s.c1, s.c2}} },
			nil, func(s *seeded) plumbing.Hash { return s.c2 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSeeded(t, Options{})
			got := push(t, s.r, pushBytes(tt.ups(s), tt.caps, s.pack2))
			assert.Equal(t, tt.want, got.report)
			assert.Equal(t, tt.main(s), head(t, s.r, "refs/heads/main"))
			assert.Empty(t, quarantines(t, s.dir))
		})
	}
}

// blockingReader never returns: a read from it means the server waited for
// a pack that a delete-only push never sends.
type blockingReader struct{ done chan struct{} }

func (b blockingReader) Read([]byte) (int, error) {
	<-b.done
	return 0, io.EOF
}

func TestReceivePackDeleteOnlyReadsNoPack(t *testing.T) {
	s := newSeeded(t, Options{})
	before := objectFiles(t, s.dir)
	block := blockingReader{done: make(chan struct{})}
	defer close(block.done)
	in := io.MultiReader(bytes.NewReader(pushBytes([]update{{"refs/heads/main", s.c1, plumbing.ZeroHash}}, "report-status delete-refs", nil)), block)

	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := s.r.ReceivePack(context.Background(), Session{App: app}, in, &out)
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("delete-only push waited for a pack")
	}
	assert.Equal(t, []string{"unpack ok", "ok refs/heads/main"}, parseReport(t, out.Bytes()))
	assert.True(t, head(t, s.r, "refs/heads/main").IsZero())
	assert.Equal(t, before, objectFiles(t, s.dir))
}

func TestReceivePackPipeline(t *testing.T) {
	var seen *Push
	var files []byte
	fail := errors.New("build failed\nstep 3 of 5")
	s := newSeeded(t, Options{Pipeline: PipelineFunc(func(ctx context.Context, p *Push) error {
		seen = p
		tree, err := p.Tree(p.Updates[0].New)
		require.NoError(t, err, "the pipeline reads pushed objects")
		f, err := tree.File("bot.py")
		require.NoError(t, err)
		c, err := f.Contents()
		require.NoError(t, err)
		files = []byte(c)
		_, _ = io.WriteString(p.Progress, "building...\n")
		if len(p.Options) > 0 && p.Options[0] == "fail" {
			return fail
		}
		return nil
	})})
	before := objectFiles(t, s.dir)

	got := push(t, s.r, pushBytes([]update{{"refs/heads/main", s.c1, s.c2}}, "report-status push-options", append([]byte(pkts("fail", "")), s.pack2...)))
	require.NotNil(t, seen)
	assert.Equal(t, app, seen.App)
	assert.Equal(t, "alice", seen.Pusher)
	assert.Equal(t, []Command{{Name: "refs/heads/main", Old: s.c1, New: s.c2}}, seen.Updates)
	assert.Equal(t, []string{"fail"}, seen.Options)
	assert.Equal(t, "v2", string(files))
	assert.Equal(t, []string{"unpack ok", "ng refs/heads/main build failed"}, got.report)
	assert.Equal(t, "building...\nerror: build failed\nstep 3 of 5\n", got.stderr)
	assert.False(t, got.res.Accepted)
	assert.Equal(t, s.c1, head(t, s.r, "refs/heads/main"))
	assert.Equal(t, before, objectFiles(t, s.dir), "no objects moved in")
	assert.Empty(t, quarantines(t, s.dir))

	got = push(t, s.r, pushBytes([]update{{"refs/heads/main", s.c1, s.c2}}, "report-status", s.pack2))
	assert.Equal(t, []string{"unpack ok", "ok refs/heads/main"}, got.report)
	assert.Equal(t, Result{Accepted: true, Updated: []Command{{Name: "refs/heads/main", Old: s.c1, New: s.c2}}}, got.res)
	assert.Equal(t, s.c2, head(t, s.r, "refs/heads/main"))
}

func TestReceivePackCancelledWhileQueued(t *testing.T) {
	s := newSeeded(t, Options{})
	unlock, err := s.r.Lock(context.Background(), app, nil)
	require.NoError(t, err)
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var out, stderr bytes.Buffer
	in := pushBytes([]update{{"refs/heads/main", s.c1, s.c2}}, "report-status", s.pack2)
	_, err = s.r.ReceivePack(ctx, Session{App: app, Stderr: &stderr}, bytes.NewReader(in), &out)
	require.NoError(t, err)
	assert.Equal(t, []string{"unpack ok", "ng refs/heads/main push cancelled"}, parseReport(t, out.Bytes()))
	assert.Contains(t, stderr.String(), "waiting for another push to my-bot to finish")
	assert.Equal(t, s.c1, head(t, s.r, "refs/heads/main"))
}

func TestReceivePackUnknownApp(t *testing.T) {
	r := newTestRepos(t, Options{})
	for _, name := range []string{"other-bot", "../my-bot", "My-Bot", ""} {
		var out bytes.Buffer
		_, err := r.ReceivePack(context.Background(), Session{App: name}, bytes.NewReader(nil), &out)
		assert.Error(t, err, name)
		assert.Empty(t, out.String(), "nothing advertised for %q", name)
	}
}

func TestNewReposPartialLimits(t *testing.T) {
	r, err := NewRepos(t.TempDir(), Options{Limits: Limits{MaxRequestBytes: 4096}})
	require.NoError(t, err)
	assert.Equal(t, Limits{MaxRequestBytes: 4096}, r.opts.Limits)
}

func TestFixHeadFollowsMaster(t *testing.T) {
	o := newObjs(t)
	c := o.simpleCommit("v1")
	r := newTestRepos(t, Options{})
	got := push(t, r, pushBytes([]update{{"refs/heads/master", plumbing.ZeroHash, c}}, "report-status", o.pack(o.all()...)))
	require.Equal(t, []string{"unpack ok", "ok refs/heads/master"}, got.report)
	st, err := r.Storage(app)
	require.NoError(t, err)
	h, err := st.Reference(plumbing.HEAD)
	require.NoError(t, err)
	assert.Equal(t, plumbing.ReferenceName("refs/heads/master"), h.Target())
}
