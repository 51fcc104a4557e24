package main

import (
	"errors"
	"testing"

	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/scheduler"
)

// GITD_SCHEDULER=swarm says clearly that this gitd cannot, and an unknown
// name is refused with the names that work.
func TestNewSchedulerRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		want error
	}{
		{"swarm", errNoSwarm},
		{"kubernetes", scheduler.ErrUnknown},
	} {
		_, err := newScheduler(schedulerDeps{cfg: config.Deploy{Scheduler: tc.name}})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
