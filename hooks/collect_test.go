package hooks

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/supervisor"
	"github.com/botrunner/botrunner/store"
)

// withLogs gives the harness's deploy a real log store and a running
// supervisor, as gitd wires them.
func withLogs(t *testing.T, h *harness) *logstore.Store {
	t.Helper()
	logs, err := logstore.Open(filepath.Join(t.TempDir(), "logs"), logstore.Options{Secrets: h.st})
	require.NoError(t, err)
	t.Cleanup(func() { _ = logs.Close() })
	h.cfg.Logs = logs
	h.d = NewDeploy(h.cfg, h.st, h.b, h.rec, RefReaderFunc(h.refHead), nil)
	sup := supervisor.New(h.rt, h.rt, supervisor.Policy{}, nil, h.d)
	h.d.SetSupervisor(sup)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = sup.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return logs
}

// waitLines waits until the app's log holds want, in order, each once.
func waitLines(t *testing.T, logs *logstore.Store, want ...string) {
	t.Helper()
	var got []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		lines, err := logs.Tail(testApp, logstore.Query{})
		require.NoError(t, err)
		got = got[:0]
		for _, l := range lines {
			if l.Stream != logstore.StreamGitd {
				got = append(got, l.Text)
			}
		}
		if slices.Equal(got, want) {
			return
		}
	}
	t.Fatalf("log lines %q, want %q", got, want)
}

// TestLogsFollowedAgainAfterStreamEnds: a log stream that ends while its
// container runs (an engine restart with live-restore) is followed again,
// from after its last line.
func TestLogsFollowedAgainAfterStreamEnds(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	logs := withLogs(t, h)
	id := h.mustDeploy()
	require.NoError(t, h.rt.Emit(id, "before"))
	waitLines(t, logs, "bot started", "before")

	h.rt.DropLogs()
	require.NoError(t, h.rt.Emit(id, "after"))
	waitLines(t, logs, "bot started", "before", "after")
	require.NoError(t, h.rt.Emit(id, "later"))
	waitLines(t, logs, "bot started", "before", "after", "later")
}

// TestLogsFollowedAgainAfterReconnect: when the event stream drops and
// comes back, a running container that nothing follows any more (its
// follower took it for stopped while the engine was away) is followed
// again, and the lines it wrote meanwhile are stored.
func TestLogsFollowedAgainAfterReconnect(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	logs := withLogs(t, h)
	id := h.mustDeploy()
	require.NoError(t, h.rt.Emit(id, "before"))
	waitLines(t, logs, "bot started", "before")

	h.rt.Fail("inspect", runtime.ErrNotFound) // the follower's look after its stream ended
	h.rt.DropLogs()
	require.Eventually(t, func() bool { return !h.d.logs.following(id) }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, h.rt.Emit(id, "while away"))
	h.rt.DropEvents(errors.New("engine restarted"))
	waitLines(t, logs, "bot started", "before", "while away")
	require.NoError(t, h.rt.Emit(id, "after"))
	waitLines(t, logs, "bot started", "before", "while away", "after")
}
