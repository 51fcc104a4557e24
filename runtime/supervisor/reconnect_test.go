package supervisor_test

import (
	"errors"
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
