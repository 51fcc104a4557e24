package main

import (
	"context"
	"log/slog"
	"strings"

	"github.com/botrunner/botrunner/runtime/docker"
)

// engineInfo is the driver's view of the engine (docker.Driver).
type engineInfo interface {
	Engine(ctx context.Context) (docker.Engine, error)
}

// checkEngine logs the engine bots will run on, and refuses a runc with
// known container escapes (or one it cannot check) unless the operator
// set GITD_ALLOW_VULNERABLE_RUNC; then it says so, loudly, at every start.
func checkEngine(ctx context.Context, drv engineInfo, allow bool, log *slog.Logger) error {
	e, err := drv.Engine(ctx)
	if err != nil {
		return engineError(err)
	}
	log.Info("docker engine", "version", e.Version, "api", e.APIVersion, "runtime", e.Runtime, "runtimes", strings.Join(e.Runtimes, ","),
		"runc", e.Runc, "runc_build", e.RuncBuild, "storage_driver", e.StorageDriver, "live_restore", e.LiveRestore)
	err = e.CheckRunc()
	if err == nil || !allow {
		return err
	}
	log.Error("GITD_ALLOW_VULNERABLE_RUNC is set: running bots on an engine where any bot may escape to the host",
		"err", err, "runc", e.Runc, "runc_build", e.RuncBuild)
	return nil
}
