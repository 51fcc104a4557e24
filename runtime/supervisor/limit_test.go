package supervisor_test

import (
	"testing"
	"time"
)

// TestRuntimeLimit: at MaxRuntime the bot is stopped and marked timed out,
// not restarted, until Started.
func TestRuntimeLimit(t *testing.T) {
	p := policy()
	p.MaxRuntime = time.Hour
	e := newEnv(t, p)
	e.run()
	id := e.deploy("bot", 1, "sleep")
	began := e.clk.Now()
	e.eventually("running", func() bool { return e.state("bot").Running })
	if st := e.state("bot"); !st.Deadline.Equal(began.Add(time.Hour)) {
		t.Fatalf("deadline %v, want %v", st.Deadline, began.Add(time.Hour))
	}
	e.clk.Advance(59 * time.Minute)
	settle()
	if !e.inspect(id).Running {
		t.Fatal("stopped before the limit")
	}
	e.clk.Advance(time.Minute)
	e.eventually("stopped at the limit", func() bool { return !e.inspect(id).Running && !e.state("bot").Running })
	st := e.state("bot")
	if !st.TimedOut || st.Crashes != 0 || !st.NextAttempt.IsZero() || e.inspect(id).ExitCode != 143 {
		t.Fatalf("after the limit: %+v (exit %d)", st, e.inspect(id).ExitCode)
	}
	e.clk.Advance(time.Hour)
	settle()
	if e.inspect(id).Running {
		t.Fatal("restarted after the limit")
	}
	if got := e.hooks.list(); len(got) != 1 || got[0] != "timedout bot v1" {
		t.Errorf("hooks %q", got)
	}
	e.mustStart(id)
	e.sup.Started("bot")
	e.eventually("running", func() bool { return e.state("bot").Running })
	if st := e.state("bot"); st.TimedOut || !st.Deadline.Equal(e.clk.Now().Add(time.Hour)) {
		t.Errorf("after Started: %+v, want a new period", st)
	}
}

// TestRuntimeLimitSpansCrashes: the period's clock does not restart with a
// crash restart; at the limit a pending restart is cancelled.
func TestRuntimeLimitSpansCrashes(t *testing.T) {
	p := policy()
	p.MaxRuntime = time.Hour
	e := newEnv(t, p)
	e.run()
	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	e.clk.Advance(30 * time.Minute)
	e.crash("bot", id, 1)
	e.restarted("bot", id)
	e.clk.Advance(29*time.Minute + 45*time.Second) // 5s before the limit; the restart is due 5s after it
	if st := e.crash("bot", id, 1); !st.NextAttempt.After(st.Deadline) {
		t.Fatalf("%+v: want the restart due after the limit", st)
	}
	e.clk.Advance(10 * time.Second)
	e.eventually("timed out", func() bool { return e.state("bot").TimedOut })
	e.clk.Advance(time.Minute)
	settle()
	if st := e.state("bot"); e.inspect(id).Running || !st.NextAttempt.IsZero() {
		t.Errorf("after the limit: %+v, running %v", st, e.inspect(id).Running)
	}
}
