package fakescheduler_test

import (
	"testing"

	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
	"github.com/botrunner/botrunner/testsupport/fakescheduler"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
	"github.com/botrunner/botrunner/testsupport/schedulertest"
)

var _ scheduler.Scheduler = (*fakescheduler.Scheduler)(nil)

// TestConformance runs the scheduler suite on the fake.
func TestConformance(t *testing.T) {
	schedulertest.Run(t, func(t *testing.T, tm schedulertest.Timing) (scheduler.Scheduler, schedulertest.Images) {
		s := fakescheduler.New(fakescheduler.Options{StopGrace: tm.StopGrace, RestartDelay: tm.RestartDelay,
			MaxRuntime: tm.MaxRuntime})
		s.Runtime.ImageFunc(runtimetest.TestbotTag, fakeruntime.Testbot)
		return s, schedulertest.Images{Image: runtimetest.TestbotTag, User: runtimetest.TestbotUser}
	})
}
