package supervisor_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime/supervisor"
)

// TestDeployIsNoCrash: a swap that follows the protocol stops the old
// release without a crash; the new one is supervised, the old one never
// comes back.
func TestDeployIsNoCrash(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	v1 := e.deploy("bot", 1, "sleep")
	e.eventually("v1 running", func() bool { return e.state("bot").Running })
	v2 := e.deploy("bot", 2, "sleep")
	e.eventually("v2 current", func() bool { st := e.state("bot"); return st.ContainerID == v2 && st.Running })
	settle()
	if st := e.state("bot"); st.Crashes != 0 || st.Release != 2 || len(e.hooks.list()) != 0 {
		t.Fatalf("after the deploy: %+v, hooks %q", st, e.hooks.list())
	}
	e.crash("bot", v2, 1)
	e.restarted("bot", v2)
	if _, err := e.d.Inspect(context.Background(), v1); err == nil {
		t.Error("v1 is still there")
	}
}

// TestDeployWhileDeaf: a deploy while the event stream is down is sorted
// out by the re-list: no crash.
func TestDeployWhileDeaf(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	e.deploy("bot", 1, "sleep")
	e.eventually("v1 running", func() bool { return e.state("bot").Running })
	e.d.DropEvents(errors.New("engine restarted"))
	e.eventually("waiting to reconnect", func() bool { return e.d.EventStreams() == 0 && e.clk.Pending() == 1 })
	v2 := e.deploy("bot", 2, "sleep")
	e.clk.Advance(supervisor.ReconnectDelay(1))
	e.eventually("v2 current", func() bool { st := e.state("bot"); return st.ContainerID == v2 && st.Running })
	if st := e.state("bot"); st.Crashes != 0 {
		t.Errorf("after the deploy: %+v", st)
	}
}

// TestFailedDeployRestores: the new release dies in its start check, the
// deploy removes it and starts the old one again: no crash, the old one is
// supervised.
func TestFailedDeployRestores(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	v1 := e.deploy("bot", 1, "sleep")
	e.eventually("v1 running", func() bool { return e.state("bot").Running })
	ctx := context.Background()
	e.sup.Stopped("bot", "deploy")
	_ = e.d.Stop(ctx, v1, time.Second)
	v2 := e.start("bot", 2, "crash") // exits 1 at once
	e.eventually("v2 exited", func() bool { return !e.inspect(v2).Running })
	_ = e.d.Remove(ctx, v2)
	e.mustStart(v1)
	e.sup.Started("bot")
	e.eventually("v1 current", func() bool { st := e.state("bot"); return st.ContainerID == v1 && st.Running })
	settle()
	if st := e.state("bot"); st.Crashes != 0 || !st.NextAttempt.IsZero() {
		t.Errorf("after the failed deploy: %+v", st)
	}
}

// TestNeverTwoCopies: when another container of the app runs, a pending
// restart of the crashed one is dropped (two copies of a bot fight).
func TestNeverTwoCopies(t *testing.T) {
	e := newEnv(t, policy())
	e.run()
	v1 := e.deploy("bot", 1, "sleep")
	e.eventually("v1 running", func() bool { return e.state("bot").Running })
	e.crash("bot", v1, 1)
	v2 := e.start("bot", 2, "sleep") // without the protocol
	e.eventually("v2 current", func() bool { return e.state("bot").ContainerID == v2 })
	e.clk.Advance(time.Minute)
	settle()
	if e.inspect(v1).Running {
		t.Error("v1 restarted beside v2")
	}
}
