package supervisor_test

import (
	"context"
	"testing"
	"time"
)

// TestOperatorStopNoRestart: a stop announced with Stopped is no crash;
// an operator's start with Started supervises again.
func TestOperatorStopNoRestart(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	e.sup.Stopped("bot", "operator")
	if err := e.d.Stop(context.Background(), id, time.Second); err != nil {
		t.Fatal(err)
	}
	e.eventually("the stop seen", func() bool { st := e.state("bot"); return !st.Running && st.LastExit == 143 })
	e.clk.Advance(time.Hour)
	settle()
	st := e.state("bot")
	if e.inspect(id).Running || st.Crashes != 0 || !st.NextAttempt.IsZero() || st.StoppedBy != "operator" {
		t.Fatalf("after an operator stop: %+v", st)
	}
	if len(e.hooks.list()) != 0 {
		t.Errorf("hooks %q, want none", e.hooks.list())
	}
	e.mustStart(id)
	e.sup.Started("bot")
	e.eventually("running again", func() bool { return e.state("bot").Running })
	if st := e.crash("bot", id, 2); st.StoppedBy != "" || !st.NextAttempt.Equal(e.clk.Now().Add(10*time.Second)) {
		t.Errorf("crash after Started: %+v, want a restart in 10s", st)
	}
}

// TestStoppedCancelsPendingRestart: a stop while a restart is pending
// cancels it.
func TestStoppedCancelsPendingRestart(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	e.crash("bot", id, 1)
	e.sup.Stopped("bot", "")
	if st := e.state("bot"); !st.NextAttempt.IsZero() || st.StoppedBy != "operator" {
		t.Errorf("after Stopped: %+v", st)
	}
	e.clk.Advance(time.Hour)
	settle()
	if e.inspect(id).Running {
		t.Error("restarted after Stopped")
	}
}

// TestStartedResets: Started clears the crash counts, so the next crash
// waits 10s again.
func TestStartedResets(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	e.crash("bot", id, 1)
	e.restarted("bot", id)
	e.crash("bot", id, 1)
	e.sup.Stopped("bot", "restart")
	e.mustStart(id)
	e.sup.Started("bot")
	e.eventually("running", func() bool { return e.state("bot").Running })
	if st := e.state("bot"); st.Crashes != 0 || st.Failures != 0 || st.StoppedBy != "" || !st.PeriodStart.Equal(e.clk.Now()) {
		t.Fatalf("after Started: %+v", st)
	}
	if st := e.crash("bot", id, 1); st.Failures != 1 || !st.NextAttempt.Equal(e.clk.Now().Add(10*time.Second)) {
		t.Errorf("first crash after Started: %+v, want a restart in 10s", st)
	}
}

// TestStartedFindsAnExit: a container that died between its start and
// Started (the end of a start check) is a crash, restarted.
func TestStartedFindsAnExit(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	e.sup.Stopped("bot", "deploy")
	id := e.start("bot", 1, "sleep")
	e.eventually("seen running", func() bool { return e.state("bot").Running })
	_ = e.d.Exit(id, 1)
	e.eventually("seen exiting", func() bool { return !e.state("bot").Running })
	e.sup.Started("bot")
	e.eventually("the crash counted", func() bool { return e.state("bot").Crashes == 1 })
	e.restarted("bot", id)
}
