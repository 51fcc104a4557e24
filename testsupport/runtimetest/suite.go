package runtimetest

import (
	"errors"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// Run runs the conformance suite. newDriver is called once per subtest
// (subtests run in parallel) and returns the driver under test and how to
// make containers on it; it should register its own cleanup.
func Run(t *testing.T, newDriver func(t *testing.T) (runtime.Driver, Images)) {
	for _, tc := range []struct {
		name string
		f    func(t *testing.T, h *harness)
	}{
		{"CreateStartInspect", testCreateStartInspect},
		{"ExitCode", testExitCode},
		{"Restart", testRestart},
		{"StopRunning", testStopRunning},
		{"StopNotRunning", testStopNotRunning},
		{"StopKillsAfterGrace", testStopKillsAfterGrace},
		{"Remove", testRemove},
		{"RemoveEndsWait", testRemoveEndsWait},
		{"List", testList},
		{"ListKey", testListKey},
		{"Logs", testLogs},
		{"LogsFollow", testLogsFollow},
		{"RootUser", testRootUser},
		{"Env", testEnv},
		{"MissingImage", testMissingImage},
		{"NameInUse", testNameInUse},
		{"Events", testEvents},
		{"EventsStop", testEventsStop},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, img := newDriver(t)
			tc.f(t, newHarness(t, d, img))
		})
	}
}

func testCreateStartInspect(t *testing.T, h *harness) {
	s := h.spec("inspect", h.img.Sleep())
	id := h.create(s)
	st := h.inspect(id)
	if st.ID != id || st.Name != s.Name || st.Image != s.Image || st.Running || st.Status != "created" {
		t.Errorf("after Create: %+v", st)
	}
	if st.Labels["botrunner.suite"] != h.token {
		t.Errorf("labels = %v, want botrunner.suite=%s", st.Labels, h.token)
	}
	before := time.Now().Add(-time.Second)
	h.start(id)
	st = h.inspect(id)
	if !st.Running || st.Status != "running" || st.StartedAt.Before(before) || st.ExitCode != 0 {
		t.Errorf("after Start: %+v", st)
	}
	// By name too: callers know containers by name after a gitd restart.
	if byName, err := h.d.Inspect(h.ctx(), s.Name); err != nil || byName.ID != id {
		t.Errorf("Inspect(name) = %+v, %v", byName, err)
	}
	if err := h.d.Start(h.ctx(), id); err != nil {
		t.Errorf("Start of a running container = %v, want nil", err)
	}
}

// testExitCode: Wait registered before Start sees even an immediate exit.
func testExitCode(t *testing.T, h *harness) {
	id := h.create(h.spec("exit3", h.img.Exit(3)))
	ch := h.d.Wait(h.ctx(), id)
	h.start(id)
	if res := h.exit(ch); res.Err != nil || res.ExitCode != 3 || res.OOMKilled {
		t.Fatalf("Wait = %+v, want exit code 3", res)
	}
	st := h.inspect(id)
	if st.Running || st.Status != "exited" || st.ExitCode != 3 || st.OOMKilled || st.FinishedAt.IsZero() {
		t.Errorf("Inspect after exit = %+v, want exited/3", st)
	}
}

// testRestart: a stopped container can be started again, and a Wait
// registered while it is stopped reports the next run's exit.
func testRestart(t *testing.T, h *harness) {
	id := h.create(h.spec("restart", h.img.Exit(4)))
	first := h.d.Wait(h.ctx(), id)
	h.start(id)
	if res := h.exit(first); res.ExitCode != 4 {
		t.Fatalf("first run: %+v", res)
	}
	second := h.d.Wait(h.ctx(), id)
	h.start(id)
	if res := h.exit(second); res.Err != nil || res.ExitCode != 4 {
		t.Fatalf("second run: %+v", res)
	}
}

func testStopRunning(t *testing.T, h *harness) {
	// A signal that comes before the process has set up its handling tests
	// nothing but the race: wait until it has.
	id := h.run("stop", h.img.Print("ready"))
	h.logsContaining(id, runtime.LogOptions{}, "ready")
	ch := h.d.Wait(h.ctx(), id) // registered on a running container
	began := time.Now()
	if err := h.d.Stop(h.ctx(), id, 10*time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if took := time.Since(began); took > 8*time.Second {
		t.Errorf("Stop took %v: SIGTERM was not honoured before the grace ran out", took)
	}
	// Stop returns once the container has stopped.
	if st := h.inspect(id); st.Running || st.Status != "exited" || st.ExitCode != 143 {
		t.Errorf("Inspect right after Stop = %+v, want exited/143", st)
	}
	if res := h.exit(ch); res.Err != nil || res.ExitCode != 143 {
		t.Errorf("Wait = %+v, want 143 (SIGTERM)", res)
	}
	if err := h.d.Stop(h.ctx(), id, time.Second); err != nil {
		t.Errorf("Stop of a stopped container = %v, want nil", err)
	}
}

func testStopNotRunning(t *testing.T, h *harness) {
	id := h.create(h.spec("stop-created", h.img.Sleep()))
	if err := h.d.Stop(h.ctx(), id, time.Second); err != nil {
		t.Errorf("Stop of a created container = %v, want nil", err)
	}
	if st := h.inspect(id); st.Running {
		t.Errorf("Stop started it: %+v", st)
	}
}

func testStopKillsAfterGrace(t *testing.T, h *harness) {
	id := h.run("hang", h.img.Hang())
	h.logsContaining(id, runtime.LogOptions{}, "ready")
	ch := h.d.Wait(h.ctx(), id)
	began := time.Now()
	if err := h.d.Stop(h.ctx(), id, time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if took := time.Since(began); took < 900*time.Millisecond {
		t.Errorf("Stop took %v, less than the 1s grace", took)
	}
	if res := h.exit(ch); res.Err != nil || res.ExitCode != 137 {
		t.Errorf("Wait = %+v, want 137 (SIGKILL)", res)
	}
}

func testRemove(t *testing.T, h *harness) {
	id := h.run("remove", h.img.Sleep())
	ctx := h.ctx()
	if err := h.d.Remove(ctx, id); err != nil {
		t.Fatalf("Remove of a running container: %v", err)
	}
	if _, err := h.d.Inspect(ctx, id); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("Inspect after Remove = %v, want ErrNotFound", err)
	}
	for name, err := range map[string]error{
		"Remove": h.d.Remove(ctx, id),
		"Start":  h.d.Start(ctx, id),
		"Stop":   h.d.Stop(ctx, id, time.Second),
	} {
		if !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("%s of a removed container = %v, want ErrNotFound", name, err)
		}
	}
	if _, err := h.d.Logs(ctx, id, runtime.LogOptions{}); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("Logs of a removed container = %v, want ErrNotFound", err)
	}
	if res := h.exit(h.d.Wait(ctx, id)); !errors.Is(res.Err, runtime.ErrNotFound) {
		t.Errorf("Wait on a removed container = %+v, want ErrNotFound", res)
	}
}

// testRemoveEndsWait: Remove ends pending Waits instead of leaving them
// hanging: 137 for a running container (killed), else the last exit code
// (0 for one that never ran) — what a Docker Engine answers.
func testRemoveEndsWait(t *testing.T, h *harness) {
	created := h.create(h.spec("rm-created", h.img.Sleep()))
	exited := h.create(h.spec("rm-exited", h.img.Exit(5)))
	first := h.d.Wait(h.ctx(), exited)
	h.start(exited)
	h.exit(first)
	running := h.run("rm-running", h.img.Sleep())
	for id, want := range map[string]int{created: 0, exited: 5, running: 137} {
		ch := h.d.Wait(h.ctx(), id)
		if err := h.d.Remove(h.ctx(), id); err != nil {
			t.Fatalf("Remove: %v", err)
		}
		if res := h.exit(ch); res.Err != nil || res.ExitCode != want {
			t.Errorf("Wait ended by Remove = %+v, want exit %d", res, want)
		}
	}
}
