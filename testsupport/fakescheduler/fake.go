package fakescheduler

import (
	"time"

	"github.com/botrunner/botrunner/runtime/supervisor"
	dockersched "github.com/botrunner/botrunner/scheduler/docker"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

// Scheduler is a scheduler.Scheduler with no engine underneath.
type Scheduler struct {
	*dockersched.Scheduler
	Runtime *fakeruntime.Driver // where the bots "run": script them here
}

// Options are the fake's policy; zero fields take quick test values.
type Options struct {
	StopGrace    time.Duration // default 50 ms
	RestartDelay time.Duration // default 100 ms, doubling
	MaxRuntime   time.Duration // default none
}

// New returns a fake scheduler on a fresh in-memory driver.
func New(o Options) *Scheduler {
	rt := fakeruntime.New()
	return &Scheduler{Scheduler: Over(rt, o), Runtime: rt}
}

// Over returns the docker scheduler over rt (a fakeruntime.Driver), with
// the fake's policy.
func Over(rt *fakeruntime.Driver, o Options) *dockersched.Scheduler {
	if o.StopGrace <= 0 {
		o.StopGrace = 50 * time.Millisecond
	}
	if o.RestartDelay <= 0 {
		o.RestartDelay = 100 * time.Millisecond
	}
	return dockersched.New(rt, rt, dockersched.Options{Network: "fake_bots", StopGrace: o.StopGrace,
		Policy: supervisor.Policy{BaseDelay: o.RestartDelay, MaxRuntime: o.MaxRuntime}})
}
