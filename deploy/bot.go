package deploy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/botrunner/botrunner/internal/cleanup"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/store"
)

// What the engine asks of the scheduler, and what its answers mean for the
// pusher and the store.

// release is rel of app as the scheduler runs it.
func (d *Engine) release(app store.App, rel store.Release) scheduler.Release {
	return scheduler.Release{App: app.Name, Owner: app.Owner, Number: rel.Number, Image: rel.Image,
		ImageTag: rel.ImageTag, Env: d.gatewayEnv(app), Config: rel.Config, Limits: d.cfg.Limits, User: d.cfg.User,
		StartCheck: d.startCheck(app), StopGrace: app.Settings.StopGrace, Ready: d.ready(app, rel)}
}

// ready is the gateway's start check of rel; nil when the app's bot does
// not call through a gateway (none configured, or the app's telegram
// setting is not gateway): then the fixed start check decides.
func (d *Engine) ready(app store.App, rel store.Release) func(context.Context) <-chan error {
	if d.cfg.Gateway == nil || d.cfg.Gateway.Env(app) == nil {
		return nil
	}
	return func(ctx context.Context) <-chan error { return d.cfg.Gateway.Ready(ctx, app, rel, time.Now()) }
}

// gatewayEnv is the server's env for every bot plus, for apps using the
// gateway, its address (which replaces the server's value of that var).
func (d *Engine) gatewayEnv(app store.App) []string {
	if d.cfg.Gateway == nil {
		return d.cfg.Env
	}
	extra := d.cfg.Gateway.Env(app)
	env := []string{}
	for _, kv := range d.cfg.Env {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.ContainsFunc(extra, func(e string) bool { return strings.HasPrefix(e, k+"=") }) {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func (d *Engine) startCheck(app store.App) time.Duration {
	if app.Settings.StartCheck > 0 {
		return app.Settings.StartCheck
	}
	return d.cfg.StartCheck
}

// runError is the pusher's error for a release the scheduler could not
// run: a start check that failed names the config var the bot asked for.
func (d *Engine) runError(app store.App, rel store.Release, err error) error {
	var se *scheduler.StartError
	switch {
	case errors.As(err, &se):
		return ErrStartFailed.Reword(startFailedTip(app, rel, se.Lines), "%s", se.Error())
	case errors.Is(err, scheduler.ErrCancelled):
		return ErrDeployFailed.With("deploy cancelled: the push was interrupted", err)
	}
	return ErrDeployFailed.With("deploy failed: "+err.Error(), err)
}

// running records that the app's bot should run (a deploy, start or
// restart): a stop by an operator or the run-time limit is over.
func (d *Engine) running(app string) {
	if err := d.store.SetStopped(app, ""); err != nil {
		d.log.Error("record start", "app", app, "err", err)
	}
}

// followRunning follows the output of the app's running bot again (the
// previous release, started again after a failed deploy).
func (d *Engine) followRunning(app string) {
	ctx, cancel := cleanup.Context(context.Background(), time.Minute)
	defer cancel()
	st, err := d.sched.Status(ctx, app)
	if err != nil {
		return
	}
	for _, in := range st.Instances {
		if in.Running {
			d.logs.attach(app, in.Release, in.ID, d.lastLogTime(app, in.Release))
		}
	}
}
