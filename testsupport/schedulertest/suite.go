package schedulertest

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/botrunner/botrunner/scheduler"
)

// Run runs the conformance suite. f is called once per subtest (subtests
// run in parallel).
func Run(t *testing.T, f Factory) {
	quick := Timing{RestartDelay: 200 * time.Millisecond, StopGrace: 2 * time.Second}
	limited := quick
	limited.MaxRuntime = 2 * time.Second
	for _, tc := range []struct {
		name string
		tm   Timing
		f    func(t *testing.T, h *harness)
	}{
		{"DeployAccept", quick, testDeployAccept},
		{"OneCopyAtATime", quick, testOneCopyAtATime},
		{"StartCheckFails", quick, testStartCheckFails},
		{"ReadyDecides", quick, testReadyDecides},
		{"TakeBack", quick, testTakeBack},
		{"StopStart", quick, testStopStart},
		{"Restart", quick, testRestart},
		{"Config", quick, testConfig},
		{"Logs", quick, testLogs},
		{"CrashRestart", quick, testCrashRestart},
		{"RunTimeLimit", limited, testRunTimeLimit},
		{"HeldAtRun", quick, testHeldAtRun},
		{"Converge", quick, testConverge},
		{"RemoveList", quick, testRemoveList},
		{"RootRefused", quick, testRootRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.f(t, newHarness(t, f, tc.tm))
		})
	}
}

// A deployed release runs, its Pending names it, List finds it.
func testDeployAccept(t *testing.T, h *harness) {
	id := h.deploy(h.rel(1, "sleep"))
	if in := h.runsOnly(1); id == "" || in.ID != id {
		t.Errorf("Pending.Instance %q, running %q", id, in.ID)
	}
	bots, err := h.s.List(h.ctx())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range bots {
		found = found || b.App == h.app && len(b.Instances) > 0
	}
	if !found {
		t.Errorf("List %+v lacks %s", bots, h.app)
	}
}

// At no moment of a redeploy do two releases run, and after the accept
// only the new one is left.
func testOneCopyAtATime(t *testing.T, h *harness) {
	h.deploy(h.rel(1, "sleep"))
	var most atomic.Int32
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if st, err := h.s.Status(h.ctx(), h.app); err == nil {
				n := int32(0)
				for _, in := range st.Instances {
					if in.Running {
						n++
					}
				}
				if n > most.Load() {
					most.Store(n)
				}
			}
		}
	}()
	h.deploy(h.rel(2, "sleep"))
	close(stop)
	<-done
	if most.Load() > 1 {
		t.Errorf("%d instances ran at once during the redeploy", most.Load())
	}
	h.runsOnly(2)
	for _, in := range h.status().Instances {
		if in.Release != 2 {
			t.Errorf("v%d left after the accept: %+v", in.Release, in)
		}
	}
}

// A release that exits in its start check is a *StartError, and the
// previous release runs again.
func testStartCheckFails(t *testing.T, h *harness) {
	h.deploy(h.rel(1, "sleep"))
	_, err := h.s.Deploy(h.ctx(), h.rel(2, "exit", "3"), io.Discard)
	var se *scheduler.StartError
	if !errors.As(err, &se) || !errors.Is(err, scheduler.ErrStartCheck) {
		t.Fatalf("Deploy of a bot that exits: %v, want a *StartError", err)
	}
	if se.ExitCode != 3 || se.Release != 2 {
		t.Errorf("StartError %+v, want v2 exit code 3", se)
	}
	h.runsOnly(1)
}

// With Release.Ready, the channel decides the start check, not the fixed
// time: nil passes at once, an error fails it and the previous release
// runs again.
func testReadyDecides(t *testing.T, h *harness) {
	h.deploy(h.rel(1, "sleep"))
	failing := h.rel(2, "sleep")
	failing.StartCheck = time.Hour // a fixed check would outlast the test
	failing.Ready = func(context.Context) <-chan error {
		c := make(chan error, 1)
		c <- errors.New("no getUpdates within 2m0s")
		return c
	}
	_, err := h.s.Deploy(h.ctx(), failing, io.Discard)
	var se *scheduler.StartError
	if !errors.As(err, &se) || se.Reason != "no getUpdates within 2m0s" {
		t.Fatalf("Deploy whose Ready fails: %v, want a *StartError with the reason", err)
	}
	h.runsOnly(1)
	passing := h.rel(3, "sleep")
	passing.StartCheck = time.Hour
	passing.Ready = func(context.Context) <-chan error {
		c := make(chan error, 1)
		c <- nil
		return c
	}
	h.deploy(passing)
	h.runsOnly(3)
}

// TakeBack removes the new release and runs the previous one again.
func testTakeBack(t *testing.T, h *harness) {
	h.deploy(h.rel(1, "sleep"))
	p, err := h.s.Deploy(h.ctx(), h.rel(2, "sleep"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	h.runsOnly(2)
	if err := p.TakeBack(h.ctx(), io.Discard); err != nil {
		t.Fatal(err)
	}
	h.runsOnly(1)
	for _, in := range h.status().Instances {
		if in.ID == p.Instance() {
			t.Errorf("the taken-back run is still there: %+v", in)
		}
	}
}

// Stop holds the bot stopped; Start runs it again, once.
func testStopStart(t *testing.T, h *harness) {
	r := h.rel(1, "sleep")
	h.deploy(r)
	stopped, err := h.s.Stop(h.ctx(), h.app, "operator", io.Discard)
	if err != nil || !stopped {
		t.Fatalf("Stop: %v, %v", stopped, err)
	}
	if st := h.status(); len(h.running()) != 0 || st.StoppedBy != "operator" {
		t.Fatalf("after Stop: %+v", st)
	}
	if stopped, err := h.s.Stop(h.ctx(), h.app, "operator", io.Discard); err != nil || stopped {
		t.Errorf("Stop of a stopped bot: %v, %v", stopped, err)
	}
	already, err := h.s.Start(h.ctx(), r, io.Discard)
	if err != nil || already {
		t.Fatalf("Start: %v, %v", already, err)
	}
	h.runsOnly(1)
	if st := h.status(); st.StoppedBy != "" {
		t.Errorf("still held after Start: %+v", st)
	}
	if already, err := h.s.Start(h.ctx(), r, io.Discard); err != nil || !already {
		t.Errorf("Start of a running bot: %v, %v", already, err)
	}
}

// Restart runs the release anew.
func testRestart(t *testing.T, h *harness) {
	r := h.rel(1, "sleep")
	h.deploy(r)
	before := h.runsOnly(1)
	if err := h.s.Restart(h.ctx(), r, io.Discard); err != nil {
		t.Fatal(err)
	}
	after := h.runsOnly(1)
	if !after.StartedAt.After(before.StartedAt) {
		t.Errorf("not started anew: before %+v, after %+v", before, after)
	}
}

// The bot sees the server's env and its config vars.
func testConfig(t *testing.T, h *harness) {
	h.deploy(h.rel(1, "env", "BOT_TOKEN"))
	h.eventually("the bot prints its token", func() bool {
		return contains(h.lines(scheduler.LogOptions{}), "BOT_TOKEN=123:abc")
	})
}

// Logs returns the current run's lines, with tail and timestamps.
func testLogs(t *testing.T, h *harness) {
	h.deploy(h.rel(1, "print", "one", "two"))
	h.eventually("both lines", func() bool {
		ls := h.lines(scheduler.LogOptions{})
		return contains(ls, "one") && contains(ls, "stderr: two")
	})
	if ls := h.lines(scheduler.LogOptions{Tail: 1}); len(ls) != 1 || ls[0] != "stderr: two" {
		t.Errorf("Tail 1: %q", ls)
	}
	for _, l := range h.lines(scheduler.LogOptions{Timestamps: true}) {
		stamp, _, _ := strings.Cut(l, " ")
		if _, err := time.Parse(time.RFC3339Nano, stamp); err != nil {
			t.Errorf("line %q has no timestamp: %v", l, err)
		}
	}
	if ls := h.lines(scheduler.LogOptions{Since: time.Now().Add(time.Hour)}); len(ls) != 0 {
		t.Errorf("Since in the future: %q", ls)
	}
	if _, err := h.s.Logs(h.ctx(), h.app, scheduler.LogOptions{Previous: true, Follow: true}); !errors.Is(err, scheduler.ErrPreviousFollow) {
		t.Errorf("Previous with Follow: %v", err)
	}
}

// A crash is an EventExited with the code and the count of crashes in a
// row (notices tell a first crash from a backoff by it), and the bot is started again
// (EventStarted).
func testCrashRestart(t *testing.T, h *harness) {
	h.watch(nil)
	h.deploy(h.rel(1, "exitafter", "1500", "4"))
	h.eventually("an exit event", func() bool { _, ok := h.ev.find(h.app, scheduler.EventExited); return ok })
	ev, _ := h.ev.find(h.app, scheduler.EventExited)
	if ev.ExitCode != 4 || ev.Release != 1 || ev.NextRestart.IsZero() || ev.Crashes != 1 {
		t.Errorf("exit event %+v, want v1 code 4, the first crash in a row, with a restart due", ev)
	}
	h.eventually("a restart event", func() bool { _, ok := h.ev.find(h.app, scheduler.EventStarted); return ok })
	if st := h.status(); st.Crashes < 1 {
		t.Errorf("crashes %d after a crash", st.Crashes)
	}
}

// The run-time limit stops the bot (EventTimedOut) and it stays stopped
// until Start.
func testRunTimeLimit(t *testing.T, h *harness) {
	h.watch(nil)
	r := h.rel(1, "sleep")
	h.deploy(r)
	h.eventually("a timeout event", func() bool { _, ok := h.ev.find(h.app, scheduler.EventTimedOut); return ok })
	h.eventually("the bot stops", func() bool { return len(h.running()) == 0 })
	if st := h.status(); !st.TimedOut {
		t.Errorf("status after the limit: %+v", st)
	}
	if _, err := h.s.Start(h.ctx(), r, io.Discard); err != nil {
		t.Fatal(err)
	}
	h.runsOnly(1)
}

// Run leaves a held app's stopped bot alone, and names running bots.
func testHeldAtRun(t *testing.T, h *harness) {
	h.deploy(h.rel(1, "exitafter", "1500", "4"))
	h.eventually("the bot exits", func() bool { return len(h.running()) == 0 })
	h.watch(map[string]string{h.app: "operator"})
	h.eventually("the hold is known", func() bool { return h.status().StoppedBy == "operator" })
	time.Sleep(time.Second) // a restart would be due after 200 ms
	if rs := h.running(); len(rs) != 0 {
		t.Errorf("a held bot was restarted: %+v", rs)
	}
	if _, ok := h.ev.find(h.app, scheduler.EventExited); ok {
		t.Error("a held bot's exit was reported as a crash")
	}
}

// Converge leaves exactly the release it is given, running or not.
func testConverge(t *testing.T, h *harness) {
	r1 := h.rel(1, "sleep")
	h.deploy(r1)
	h.deploy(h.rel(2, "sleep"))
	if err := h.s.Converge(h.ctx(), h.app, &r1, true); err != nil {
		t.Fatal(err)
	}
	h.runsOnly(1)
	for _, in := range h.status().Instances {
		if in.Release != 1 {
			t.Errorf("v%d left by Converge: %+v", in.Release, in)
		}
	}
	if err := h.s.Converge(h.ctx(), h.app, nil, false); err != nil {
		t.Fatal(err)
	}
	if st := h.status(); len(st.Instances) != 0 {
		t.Errorf("Converge(nil) left %+v", st.Instances)
	}
}

// Remove leaves nothing of the app.
func testRemoveList(t *testing.T, h *harness) {
	h.deploy(h.rel(1, "sleep"))
	if err := h.s.Remove(h.ctx(), h.app); err != nil {
		t.Fatal(err)
	}
	if st := h.status(); len(st.Instances) != 0 {
		t.Errorf("Remove left %+v", st.Instances)
	}
	bots, err := h.s.List(h.ctx())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bots {
		if b.App == h.app {
			t.Errorf("List still has %+v", b)
		}
	}
}

// A release that would run as root is refused, and nothing runs.
func testRootRefused(t *testing.T, h *harness) {
	r := h.rel(1, "sleep")
	r.User = "0:0"
	if _, err := h.s.Deploy(h.ctx(), r, io.Discard); err == nil {
		t.Fatal("a root release was deployed")
	}
	if rs := h.running(); len(rs) != 0 {
		t.Errorf("running after a refused deploy: %+v", rs)
	}
}
