package main

import (
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/scheduler"
)

// errNoSwarm is GITD_SCHEDULER=swarm on a gitd built without it.
var errNoSwarm = hint.New("SWARM_NOT_BUILT", "GITD_SCHEDULER=swarm: this gitd has no Swarm scheduler yet",
	"run with GITD_SCHEDULER=docker (the default)")

// newSwarmScheduler makes the Swarm scheduler (scheduler/swarm) on d's
// engine, a swarm manager.
func newSwarmScheduler(d schedulerDeps) (scheduler.Scheduler, error) {
	_ = d
	return nil, errNoSwarm
}
