package supervisor_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/supervisor"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

// recorder keeps the Hooks calls, in order; Running calls apart.
type recorder struct {
	mu      sync.Mutex
	calls   []string
	running []string
}

func (r *recorder) Running(app string, release int, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running = append(r.running, fmt.Sprintf("%s v%d %s", app, release, id))
}

func (r *recorder) runningCalls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.running)
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf(format, args...))
}

func (r *recorder) Crashed(app string, release, exit int, oom bool, _ time.Time) {
	r.add("crashed %s v%d exit=%d oom=%v", app, release, exit, oom)
}
func (r *recorder) Restarted(app string, release int) { r.add("restarted %s v%d", app, release) }
func (r *recorder) TimedOut(app string, release int)  { r.add("timedout %s v%d", app, release) }

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// env is a supervisor over the fake driver, on a fake clock the driver
// shares (StartedAt and FinishedAt come from it, so run durations are
// the clock's).
type env struct {
	t     *testing.T
	d     *fakeruntime.Driver
	clk   *fakeClock
	hooks *recorder
	sup   *supervisor.Supervisor
}

func newEnv(t *testing.T, p supervisor.Policy) *env {
	clk := newFakeClock()
	d := fakeruntime.New()
	d.SetClock(clk.Now)
	d.Image("sleep", fakeruntime.Behaviour{})
	d.Image("crash", fakeruntime.Behaviour{ExitCode: 1})
	e := &env{t: t, d: d, clk: clk, hooks: &recorder{}}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.sup = supervisor.New(d, d, p, log, e.hooks, supervisor.WithClock(clk))
	return e
}

// policy is the default one without the run-time limit.
func policy() supervisor.Policy {
	p := supervisor.DefaultPolicy()
	p.MaxRuntime = 0
	return p
}

// run runs the supervisor until the test ends, and checks that it returns.
func (e *env) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.sup.Run(ctx) }()
	e.t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				e.t.Errorf("Run = %v, want nil after cancel", err)
			}
		case <-time.After(5 * time.Second):
			e.t.Error("Run did not return after cancel")
		}
	})
}

// create makes release rel of app, not started.
func (e *env) create(app string, rel int, image string) string {
	e.t.Helper()
	id, err := e.d.Create(context.Background(), runtime.Spec{
		Name: fmt.Sprintf("botrunner-%s-v%d", app, rel), Image: image, User: "1000:1000",
		Labels: runtime.Labels(app, "ann", rel),
	})
	if err != nil {
		e.t.Fatalf("Create: %v", err)
	}
	return id
}

// start creates and starts release rel of app, bypassing the protocol
// (what the supervisor finds at adoption, or a careless caller).
func (e *env) start(app string, rel int, image string) string {
	e.t.Helper()
	id := e.create(app, rel, image)
	e.mustStart(id)
	return id
}

func (e *env) mustStart(id string) {
	e.t.Helper()
	if err := e.d.Start(context.Background(), id); err != nil {
		e.t.Fatalf("Start: %v", err)
	}
}

// deploy swaps release rel in as hooks does, following the protocol:
// Stopped, stop the old, start the new, Started, remove the old.
func (e *env) deploy(app string, rel int, image string) string {
	e.t.Helper()
	ctx := context.Background()
	old, _ := e.d.List(ctx, map[string]string{runtime.LabelApp: app})
	e.sup.Stopped(app, "deploy")
	for _, c := range old {
		_ = e.d.Stop(ctx, c.ID, time.Second)
	}
	id := e.start(app, rel, image)
	e.sup.Started(app)
	for _, c := range old {
		_ = e.d.Remove(ctx, c.ID)
	}
	return id
}

func (e *env) state(app string) supervisor.State { return e.sup.State(app) }

func (e *env) inspect(id string) runtime.State {
	e.t.Helper()
	st, err := e.d.Inspect(context.Background(), id)
	if err != nil {
		e.t.Fatalf("Inspect: %v", err)
	}
	return st
}

// eventually waits (on the wall clock) for cond: the supervisor works in
// its own goroutine.
func (e *env) eventually(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for: %s (state %+v, hooks %q)", what, e.lastState(), e.hooks.list())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// lastState is for failure messages: the state of the app last asked about.
func (e *env) lastState() string {
	var b strings.Builder
	for _, app := range []string{"bot", "up", "crashed"} {
		fmt.Fprintf(&b, "%+v ", e.sup.State(app))
	}
	return b.String()
}

// settle gives the supervisor a moment, for checks that nothing happens.
func settle() { time.Sleep(50 * time.Millisecond) }

// crash makes the container exit with code and waits for the supervisor
// to count it.
func (e *env) crash(app, id string, code int) supervisor.State {
	e.t.Helper()
	before := e.state(app).Crashes
	if err := e.d.Exit(id, code); err != nil {
		e.t.Fatal(err)
	}
	e.eventually("the crash counted", func() bool { return e.state(app).Crashes == before+1 })
	return e.state(app)
}

// restarted advances the clock to the pending restart and waits for it.
func (e *env) restarted(app, id string) {
	e.t.Helper()
	next := e.state(app).NextAttempt
	if next.IsZero() {
		e.t.Fatalf("no restart pending: %+v", e.state(app))
	}
	hooks := len(e.hooks.list())
	e.clk.Advance(next.Sub(e.clk.Now()))
	e.eventually("restarted", func() bool {
		return e.inspect(id).Running && e.state(app).Running && len(e.hooks.list()) > hooks
	})
}
