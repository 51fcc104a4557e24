package main

import (
	"log/slog"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/runtime/supervisor"
	"github.com/botrunner/botrunner/scheduler"
	dockersched "github.com/botrunner/botrunner/scheduler/docker"
)

// schedulerDeps is what a scheduler is made from: the engine gitd builds
// on (a swarm manager for GITD_SCHEDULER=swarm) and this gitd's instance.
type schedulerDeps struct {
	cfg      config.Deploy
	cli      *client.Client
	drv      *docker.Driver
	instance string
	log      *slog.Logger
}

// newScheduler makes the scheduler GITD_SCHEDULER names.
func newScheduler(d schedulerDeps) (scheduler.Scheduler, error) {
	switch d.cfg.Scheduler {
	case "", "docker":
		return dockersched.New(d.drv, d.drv, dockersched.Options{
			Instance: d.instance, Network: d.cfg.Network, StopGrace: d.cfg.StopGrace, Log: d.log,
			Policy: supervisor.Policy{BaseDelay: d.cfg.RestartDelay, MaxDelay: d.cfg.RestartMax,
				ResetAfter: d.cfg.RestartReset, MaxRuntime: d.cfg.MaxRuntime},
		}), nil
	case "swarm":
		return newSwarmScheduler(d)
	}
	return nil, scheduler.ErrUnknown.Reword("", "unknown scheduler %q (GITD_SCHEDULER)", d.cfg.Scheduler)
}
