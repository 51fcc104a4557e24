package main

import (
	"errors"
	"testing"

	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/registry"
	"github.com/botrunner/botrunner/scheduler"
)

// GITD_SCHEDULER=swarm without a usable GITD_REGISTRY is refused before
// the engine is asked, and an unknown name is refused with the names that
// work.
func TestNewSchedulerRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		want error
	}{
		{"swarm", registry.ErrConfig},
		{"kubernetes", scheduler.ErrUnknown},
	} {
		_, err := newScheduler(schedulerDeps{cfg: config.Deploy{Scheduler: tc.name}})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
