package deploy

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/scheduler"
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
	h.remake(h.rec)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	d := h.d // the engine watched; a later remake must not race this goroutine
	go func() { _ = d.Watch(ctx, nil); close(done) }()
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

	h.rec.mu.Lock()
	h.rec.blind = 1 // the follower's look after its stream ended
	h.rec.mu.Unlock()
	h.rt.DropLogs()
	require.Eventually(t, func() bool { return !h.d.logs.following(id) }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, h.rt.Emit(id, "while away"))
	h.rt.DropEvents(errors.New("engine restarted"))
	waitLines(t, logs, "bot started", "before", "while away")
	require.NoError(t, h.rt.Emit(id, "after"))
	waitLines(t, logs, "bot started", "before", "while away", "after")
}

// refusingSink is a log store whose disk is full.
type refusingSink struct{ LogSink }

func (refusingSink) Append(string, logstore.Line) error { return errors.New("no space left on device") }

// TestLostLinesAreSaid: output the log store refuses is said in gitd's
// log at once (ERROR, once), counted when the stream ends, and shown by
// the app's status for as long as gitd runs.
func TestLostLinesAreSaid(t *testing.T) {
	var buf syncBuffer
	c := &collector{sink: refusingSink{}, on: map[string]bool{},
		log: slog.New(slog.NewTextHandler(&buf, nil))}
	h := newHarness(t, store.AppSettings{})
	c.sched = h.sched
	id := h.mustDeploy()
	c.attach(testApp, 1, id, time.Time{})
	require.Eventually(t, func() bool {
		return strings.Contains(buf.String(), "bot output not kept in the app's log")
	}, 10*time.Second, 5*time.Millisecond)
	assert.Contains(t, buf.String(), "level=ERROR")
	assert.Contains(t, buf.String(), "no space left on device")

	require.NoError(t, h.rt.Emit(id, "second"))
	require.NoError(t, h.rt.Stop(context.Background(), id, time.Second))
	require.Eventually(t, func() bool {
		return strings.Contains(buf.String(), "lines=2")
	}, 10*time.Second, 5*time.Millisecond, buf.String())
	assert.Equal(t, 1, strings.Count(buf.String(), "level=ERROR"), "said at ERROR once: %s", buf.String())
	assert.Regexp(t, `^2 lines of output lost since \S+: the log store refuses lines: no space left on device$`,
		c.troubleOf(testApp))
	c.forget(testApp)
	assert.Empty(t, c.troubleOf(testApp), "a destroyed app's trouble goes with it")
}

// TestUnfollowableOutputInStatus: a bot whose output cannot be followed
// has `status` say so (and gitd's log at ERROR) until its lines are kept
// again.
func TestUnfollowableOutputInStatus(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	var buf syncBuffer
	h.rt.Fail("logs", errors.New("engine busy"))
	logs := withLogs(t, h)
	h.d.logs.log = slog.New(slog.NewTextHandler(&buf, nil))
	ctx := context.Background()
	id := h.mustDeploy()
	app, err := h.st.App(testApp)
	require.NoError(t, err)
	var s Status
	require.Eventually(t, func() bool {
		s, err = h.d.AppStatus(ctx, app)
		return err == nil && s.LogTrouble != ""
	}, 10*time.Second, 5*time.Millisecond)
	assert.Regexp(t, `^output not collected since \S+: cannot follow container `+id+`: engine busy$`, s.LogTrouble)
	assert.Contains(t, buf.String(), "level=ERROR")

	require.NoError(t, h.rt.Emit(id, "hello")) // the follower tries again and gets the stream
	waitLines(t, logs, "bot started", "hello")
	s, err = h.d.AppStatus(ctx, app)
	require.NoError(t, err)
	assert.Empty(t, s.LogTrouble, "kept again: nothing to say")
}

// TestEventsHeardByConfigEvents: Config.Events hears each scheduler event
// after the engine recorded it.
func TestEventsHeardByConfigEvents(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	var logs *logstore.Store
	var got []scheduler.Event
	h.cfg.Events = scheduler.HandlerFunc(func(e scheduler.Event) {
		lines, err := logs.Tail(testApp, logstore.Query{})
		require.NoError(t, err)
		require.NotEmpty(t, lines, "the engine's gitd line comes first")
		got = append(got, e)
	})
	logs = withLogs(t, h) // makes the engine with Events set
	h.d.BotEvent(scheduler.Event{Kind: scheduler.EventTimedOut, App: testApp, Release: 1})
	require.Len(t, got, 1)
	assert.Equal(t, scheduler.EventTimedOut, got[0].Kind)
	assert.Equal(t, StoppedByLimit, h.app().Stopped)
}

// TestCrashHandedOnAfterItsOutput: a crash reaches Config.Events (the
// notices, which quote the last lines) only once the dead run's output is
// all in the log, not while its follower still reads it.
func TestCrashHandedOnAfterItsOutput(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	heard := make(chan scheduler.Event, 1)
	h.cfg.Events = scheduler.HandlerFunc(func(e scheduler.Event) { heard <- e })
	withLogs(t, h)
	h.d.logs.mu.Lock()
	h.d.logs.on["c-dead"] = true // its follower still copies its last lines
	h.d.logs.mu.Unlock()

	h.d.BotEvent(scheduler.Event{Kind: scheduler.EventExited, App: testApp, Release: 1, Instance: "c-dead", ExitCode: 1})
	select {
	case <-heard:
		t.Fatal("the crash was handed on while its output was still being read")
	case <-time.After(300 * time.Millisecond):
	}
	h.d.logs.mu.Lock()
	delete(h.d.logs.on, "c-dead")
	h.d.logs.mu.Unlock()
	select {
	case e := <-heard:
		assert.Equal(t, 1, e.ExitCode)
	case <-time.After(10 * time.Second):
		t.Fatal("the crash was never handed on")
	}
}
