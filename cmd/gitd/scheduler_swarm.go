package main

import (
	"context"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/registry"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/scheduler/swarm"
)

// newSwarmScheduler makes the Swarm scheduler (scheduler/swarm) on d's
// engine, which must be a swarm manager, with images pushed to
// GITD_REGISTRY (required: other nodes cannot see gitd's engine).
func newSwarmScheduler(d schedulerDeps) (scheduler.Scheduler, error) {
	target, err := registry.Parse(registry.Config{Registry: d.cfg.Registry, Username: d.cfg.RegistryUser,
		Password: d.cfg.RegistryPassword, PasswordFile: d.cfg.RegistryPasswordFile})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	info, err := d.cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return nil, scheduler.ErrEngine.With("engine info", err)
	}
	if !info.Info.Swarm.ControlAvailable {
		return nil, swarm.ErrNotManager
	}
	return swarm.New(d.cli, registry.New(d.cli, target, d.log), swarm.Config{
		Options:      swarm.Options{Instance: d.instance, StopGrace: d.cfg.StopGrace},
		RestartDelay: d.cfg.RestartDelay, RestartMax: d.cfg.RestartMax, RestartReset: d.cfg.RestartReset,
		MaxRuntime: d.cfg.MaxRuntime, Log: d.log,
	}), nil
}
