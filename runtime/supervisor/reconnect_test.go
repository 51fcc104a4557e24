package supervisor_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/botrunner/botrunner/runtime/supervisor"
)

// TestReconnect: when the event stream drops, the supervisor subscribes
// again after a backoff and lists, so a crash while it was deaf is found.
func TestReconnect(t *testing.T) {
	e := newEnv(t, policy())
	e.d.Fail("events", errors.New("engine unreachable")) // the first subscription fails at once
	e.run()
	e.eventually("waiting to reconnect", func() bool { return e.clk.Pending() == 1 })
	e.clk.Advance(supervisor.ReconnectDelay(1))
	e.eventually("subscribed", func() bool { return e.d.EventStreams() == 1 })

	id := e.deploy("bot", 1, "sleep")
	e.eventually("running", func() bool { return e.state("bot").Running })
	e.d.DropEvents(errors.New("engine restarted"))
	e.eventually("waiting to reconnect", func() bool { return e.d.EventStreams() == 0 && e.clk.Pending() == 1 })
	_ = e.d.Exit(id, 1) // no one listens: the event is lost
	settle()
	if st := e.state("bot"); st.Crashes != 0 {
		t.Fatalf("crash seen without events: %+v", st)
	}
	// The stream had not lasted: the backoff grows.
	e.clk.Advance(supervisor.ReconnectDelay(1))
	settle()
	if e.d.EventStreams() != 0 {
		t.Fatal("reconnected after the first delay again, want a longer one")
	}
	e.clk.Advance(supervisor.ReconnectDelay(2) - supervisor.ReconnectDelay(1))
	e.eventually("the crash found by the re-list", func() bool { return e.state("bot").Crashes == 1 })
	e.restarted("bot", id)
	if e.d.EventStreams() != 1 {
		t.Errorf("%d event streams, want 1", e.d.EventStreams())
	}
}

// TestRunningAfterReconnect: after the event stream drops and comes back,
// Hooks hears of each running bot container again (an engine restart with
// live-restore keeps containers but ends their log streams, so gitd must
// follow them again); an exited one is not reported.
func TestRunningAfterReconnect(t *testing.T) {
	e := newEnv(t, policy())
	id := e.start("bot", 1, "sleep")
	done := e.start("done", 2, "sleep")
	_ = e.d.Exit(done, 0)
	e.run()
	want := "bot v1 " + id
	e.eventually("told at the first list", func() bool { return slices.Equal(e.hooks.runningCalls(), []string{want}) })
	e.d.DropEvents(errors.New("engine restarted"))
	e.eventually("waiting to reconnect", func() bool { return e.d.EventStreams() == 0 && e.clk.Pending() == 1 })
	e.clk.Advance(supervisor.ReconnectDelay(1))
	e.eventually("told again after the reconnect", func() bool {
		return slices.Equal(e.hooks.runningCalls(), []string{want, want})
	})
}
