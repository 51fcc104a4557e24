package receive

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/gitfsck"
	"github.com/botrunner/botrunner/gitpack"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/testsupport/testenv"
)

// serverCommit makes, in objects of its own, a commit of tree entries on
// top of parent (which the repo has), as intake would.
func serverCommit(t *testing.T, ref string, parent plumbing.Hash, entries func(o *objs) []object.TreeEntry) ServerCommit {
	o := newObjs(t)
	var parents []plumbing.Hash
	if !parent.IsZero() {
		parents = append(parents, parent)
	}
	c := o.commit(o.tree(entries(o)...), parents...)
	return ServerCommit{Ref: plumbing.ReferenceName(ref), Parent: parent, Commit: c, Objects: o.st}
}

func botFile(content string) func(o *objs) []object.TreeEntry {
	return func(o *objs) []object.TreeEntry { return []object.TreeEntry{file("bot.py", o.blob([]byte(content)))} }
}

func TestPushServerCommit(t *testing.T) {
	boom := hint.New("BOOM", "the build failed", "fix the build")
	tests := []struct {
		name     string
		opts     Options
		commit   func(t *testing.T, s *seeded) ServerCommit
		wantErr  error
		wantMain func(s *seeded, c ServerCommit) plumbing.Hash
	}{
		{"on top of main", Options{},
			func(t *testing.T, s *seeded) ServerCommit {
				return serverCommit(t, "refs/heads/main", s.c1, botFile("v2"))
			},
			nil, func(_ *seeded, c ServerCommit) plumbing.Hash { return c.Commit }},
		{"pipeline fails", Options{Pipeline: PipelineFunc(func(context.Context, *Push) error { return boom })},
			func(t *testing.T, s *seeded) ServerCommit {
				return serverCommit(t, "refs/heads/main", s.c1, botFile("v2"))
			},
			boom, func(s *seeded, _ ServerCommit) plumbing.Hash { return s.c1 }},
		{"main moved since (made on an old head)", Options{},
			func(t *testing.T, s *seeded) ServerCommit {
				return serverCommit(t, "refs/heads/main", plumbing.ZeroHash, botFile("v2"))
			},
			ErrMovedMeanwhile, func(s *seeded, _ ServerCommit) plumbing.Hash { return s.c1 }},
		{"over the push size", Options{MaxPushSize: 200},
			func(t *testing.T, s *seeded) ServerCommit {
				return serverCommit(t, "refs/heads/main", s.c1, botFile(strings.Repeat("x\n", 1<<16)+testenv.Incompressible(4096)))
			},
			gitpack.ErrTooLarge, func(s *seeded, _ ServerCommit) plumbing.Hash { return s.c1 }},
		{"unsafe tree", Options{},
			func(t *testing.T, s *seeded) ServerCommit {
				return serverCommit(t, "refs/heads/main", s.c1, func(o *objs) []object.TreeEntry {
					return []object.TreeEntry{file(".git", o.blob([]byte("x")))}
				})
			},
			gitfsck.ErrBadTree, func(s *seeded, _ ServerCommit) plumbing.Hash { return s.c1 }},
		{"not a branch", Options{},
			func(t *testing.T, s *seeded) ServerCommit {
				return serverCommit(t, "refs/tags/v1", s.c1, botFile("v2"))
			},
			ErrBadRefName, func(s *seeded, _ ServerCommit) plumbing.Hash { return s.c1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen *Push
			if tt.opts.Pipeline == nil {
				tt.opts.Pipeline = PipelineFunc(func(_ context.Context, p *Push) error {
					seen = p
					_, _ = p.Progress.Write([]byte("building\n"))
					return nil
				})
			}
			maxPush := tt.opts.MaxPushSize // after seeding: the seed's push must fit
			tt.opts.MaxPushSize = 0
			s := newSeeded(t, tt.opts)
			if maxPush > 0 {
				s.r.opts.MaxPushSize = maxPush
			}
			before := objectFiles(t, s.dir)
			c := tt.commit(t, s)
			var progress bytes.Buffer
			res, err := s.r.PushServerCommit(context.Background(), Session{App: app, Pusher: "alice"}, c, &progress)
			assert.Equal(t, tt.wantMain(s, c), head(t, s.r, "refs/heads/main"))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.False(t, res.Accepted)
				assert.Equal(t, before, objectFiles(t, s.dir), "objects must not change")
				return
			}
			require.NoError(t, err)
			assert.True(t, res.Accepted)
			assert.Equal(t, "building\n", progress.String())
			require.NotNil(t, seen)
			assert.Equal(t, []Command{{Name: "refs/heads/main", Old: s.c1, New: c.Commit}}, seen.Updates)
			assert.Equal(t, "alice", seen.Pusher)
			tree, err := s.r.Tree(app, c.Commit.String())
			require.NoError(t, err)
			assert.Len(t, tree.Entries, 1)
		})
	}
}

// A push that moves main while the server commit waits for the app's lock
// wins; the server commit then fails with nothing changed.
func TestPushServerCommitLosesToPushMeanwhile(t *testing.T) {
	s := newSeeded(t, Options{})
	c := serverCommit(t, "refs/heads/main", s.c1, botFile("server"))
	unlock, err := s.r.Lock(context.Background(), app, nil)
	require.NoError(t, err)

	waiting := make(chan struct{})
	pw := &signalWriter{on: "waiting for", ch: waiting}
	done := make(chan error, 1)
	go func() {
		_, err := s.r.PushServerCommit(context.Background(), Session{App: app, Pusher: "alice"}, c, pw)
		done <- err
	}()
	select {
	case <-waiting:
	case <-time.After(30 * time.Second):
		t.Fatal("the server commit never waited for the lock")
	}
	// The holder of the lock (a client's push) moves main to c2.
	require.NoError(t, pushLocked(t, s))
	unlock()

	err = <-done
	require.ErrorIs(t, err, ErrMovedMeanwhile)
	assert.Equal(t, s.c2, head(t, s.r, "refs/heads/main"))
}

// pushLocked stores c2 and moves main to it, as a push holding the lock
// would at its end.
func pushLocked(t *testing.T, s *seeded) error {
	st, err := s.r.Storage(app)
	require.NoError(t, err)
	q, err := receivePack(context.Background(), s.dir, st, bytes.NewReader(s.pack2), gitpack.Limits{})
	require.NoError(t, err)
	defer q.drop()
	require.NoError(t, q.moveInto(s.dir))
	return apply(st, Command{Name: "refs/heads/main", Old: s.c1, New: s.c2})
}

// signalWriter closes ch the first time a write contains on.
type signalWriter struct {
	mu   sync.Mutex
	on   string
	ch   chan struct{}
	done bool
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done && strings.Contains(string(p), w.on) {
		w.done = true
		close(w.ch)
	}
	return len(p), nil
}
