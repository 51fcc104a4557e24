package supervisor_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

// TestCrashRestartsWithBackoff: 10s, then 20s, then 40s; the same
// container is started again each time; the hooks hear of it in order.
func TestCrashRestartsWithBackoff(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	for i, delay := range []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second} {
		st := e.crash("bot", id, 3)
		if st.Running || st.LastExit != 3 || st.Failures != i+1 || !st.NextAttempt.Equal(e.clk.Now().Add(delay)) {
			t.Fatalf("crash %d: %+v, want a restart in %v", i+1, st, delay)
		}
		e.clk.Advance(delay - time.Millisecond)
		settle()
		if e.inspect(id).Running {
			t.Fatalf("crash %d: restarted before %v", i+1, delay)
		}
		e.restarted("bot", id)
	}
	want := []string{
		"crashed bot v1 exit=3 oom=false", "restarted bot v1",
		"crashed bot v1 exit=3 oom=false", "restarted bot v1",
		"crashed bot v1 exit=3 oom=false", "restarted bot v1",
	}
	if got := e.hooks.list(); !slices.Equal(got, want) {
		t.Errorf("hooks %q, want %q", got, want)
	}
	if st := e.state("bot"); st.Crashes != 3 || st.Release != 1 || st.ContainerID != id {
		t.Errorf("state %+v", st)
	}
}

// TestExitZeroIsACrash: a bot should run until stopped.
func TestExitZeroIsACrash(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	st := e.crash("bot", id, 0)
	if st.LastExit != 0 || st.NextAttempt.IsZero() || st.Reason == "" {
		t.Errorf("after exit 0: %+v, want a restart pending and a reason", st)
	}
	e.restarted("bot", id)
}

// TestResetAfterLongRun: a run of ResetAfter forgets the earlier crashes.
func TestResetAfterLongRun(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	e.crash("bot", id, 1)
	e.restarted("bot", id)
	e.crash("bot", id, 1)
	e.restarted("bot", id)
	e.clk.Advance(9 * time.Minute)
	if st := e.crash("bot", id, 1); st.Failures != 3 || !st.NextAttempt.Equal(e.clk.Now().Add(40*time.Second)) {
		t.Fatalf("after 9 min up: %+v, want the third failure (40s)", st)
	}
	e.restarted("bot", id)
	e.clk.Advance(10 * time.Minute)
	st := e.crash("bot", id, 1)
	if st.Failures != 1 || st.Crashes != 4 || !st.NextAttempt.Equal(e.clk.Now().Add(10*time.Second)) {
		t.Errorf("after 10 min up: %+v, want the backoff back at 10s", st)
	}
}

// TestOOMRecorded: an OOM kill is a crash, and says so.
func TestOOMRecorded(t *testing.T) {
	e := newEnv(t, policy())
	e.d.Image("hog", fakeruntime.Behaviour{OOM: true, ExitAfter: 20 * time.Millisecond})
	e.run()
	e.deploy("bot", 1, "hog")
	e.eventually("the OOM kill counted", func() bool { return e.state("bot").Crashes == 1 })
	if st := e.state("bot"); !st.OOM || st.LastExit != 137 || st.NextAttempt.IsZero() {
		t.Errorf("state %+v, want OOM, 137, a restart pending", st)
	}
	if got := e.hooks.list(); len(got) != 1 || got[0] != "crashed bot v1 exit=137 oom=true" {
		t.Errorf("hooks %q", got)
	}
}

// TestRestartFailureRetried: a Start the engine refuses is tried again, one
// backoff step later.
func TestRestartFailureRetried(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	e.crash("bot", id, 1)
	e.d.Fail("start", errors.New("engine busy"))
	e.clk.Advance(10 * time.Second)
	e.eventually("the retry scheduled", func() bool { return e.state("bot").Failures == 2 })
	if st := e.state("bot"); !st.NextAttempt.Equal(e.clk.Now().Add(20*time.Second)) || !strings.Contains(st.Reason, "engine busy") {
		t.Errorf("after a failed restart: %+v", st)
	}
	e.restarted("bot", id)
}

// TestUnknownExitIsACrash: a run whose exit code the engine did not give
// (runtime.ExitUnknown) is a crash, also when it is found so at adoption,
// where a clean exit 0 would be left alone.
func TestUnknownExitIsACrash(t *testing.T) {
	e := newEnv(t, policy())
	found := e.start("found", 1, "sleep")
	_ = e.d.Exit(found, runtime.ExitUnknown)
	e.run()
	e.eventually("adopted as a crash", func() bool { return e.state("found").Crashes == 1 })
	if st := e.state("found"); st.LastExit != runtime.ExitUnknown || st.NextAttempt.IsZero() {
		t.Errorf("found: %+v, want a crash with a restart pending", st)
	}
	e.restarted("found", found)

	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	if st := e.crash("bot", id, runtime.ExitUnknown); st.NextAttempt.IsZero() {
		t.Errorf("after an unknown exit: %+v, want a restart pending", st)
	}
	e.restarted("bot", id)
}
