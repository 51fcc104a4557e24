package supervisor_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime/supervisor"
)

// TestAdoption: at Run, running containers keep running with their
// run-time clock from their StartedAt; a crashed one is restarted; one
// that exited 0, one an operator stopped (declared with Stopped before
// Run) and one never started are left alone.
func TestAdoption(t *testing.T) {
	p := policy()
	p.MaxRuntime = 24 * time.Hour
	e := newEnv(t, p)
	began := e.clk.Now()
	up := e.start("up", 1, "sleep")
	e.clk.Advance(23 * time.Hour)
	crashed := e.start("crashed", 2, "sleep")
	_ = e.d.Exit(crashed, 2)
	clean := e.start("clean", 1, "sleep")
	_ = e.d.Exit(clean, 0)
	stopped := e.start("stopped", 4, "sleep")
	_ = e.d.Stop(context.Background(), stopped, time.Second)
	e.sup.Stopped("stopped", "operator")
	e.create("new", 1, "sleep")

	e.run()
	e.eventually("adopted", func() bool { return e.state("up").Running && e.state("crashed").Crashes == 1 })
	if st := e.state("up"); st.ContainerID != up || st.Release != 1 || !st.Deadline.Equal(began.Add(24*time.Hour)) {
		t.Errorf("up: %+v, want the limit counted from its start", st)
	}
	if st := e.state("crashed"); st.LastExit != 2 || st.Release != 2 || !st.NextAttempt.Equal(e.clk.Now().Add(10*time.Second)) {
		t.Errorf("crashed: %+v, want a restart in 10s", st)
	}
	for _, app := range []string{"clean", "stopped", "new"} {
		if st := e.state(app); st.Crashes != 0 || !st.NextAttempt.IsZero() || st.Running {
			t.Errorf("%s: %+v, want it left alone", app, st)
		}
	}
	e.restarted("crashed", crashed)
	e.clk.Advance(time.Hour)
	e.eventually("up stopped at its limit", func() bool { return e.state("up").TimedOut && !e.inspect(up).Running })
	if e.inspect(clean).Running || e.inspect(stopped).Running {
		t.Error("a container left alone was started")
	}
}

// TestAdoptionOverdue: a container found past its limit is stopped at once.
func TestAdoptionOverdue(t *testing.T) {
	p := policy()
	p.MaxRuntime = time.Hour
	e := newEnv(t, p)
	id := e.start("bot", 1, "sleep")
	e.clk.Advance(2 * time.Hour)
	e.run()
	e.eventually("stopped", func() bool { return e.state("bot").TimedOut && !e.inspect(id).Running })
}

// TestRunTwice: a supervisor runs once; Run returns when ctx ends.
func TestRunTwice(t *testing.T) {
	e := newEnv(t, policy())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.sup.Run(ctx) }()
	e.eventually("subscribed", func() bool { return e.d.EventStreams() == 1 })
	if err := e.sup.Run(ctx); !errors.Is(err, supervisor.ErrRunTwice) {
		t.Errorf("second Run = %v, want ErrRunTwice", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	e.eventually("unsubscribed", func() bool { return e.d.EventStreams() == 0 })
}

// TestRunStopsTimers: timers pending when Run returns are stopped.
func TestRunStopsTimers(t *testing.T) {
	p := policy()
	p.MaxRuntime = time.Hour
	e := newEnv(t, p)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.sup.Run(ctx) }()
	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	e.crash("bot", id, 1)
	if n := e.clk.Pending(); n != 2 {
		t.Fatalf("%d timers pending, want the restart and the limit", n)
	}
	cancel()
	<-done
	if n := e.clk.Pending(); n != 0 {
		t.Errorf("%d timers pending after Run returned", n)
	}
}
