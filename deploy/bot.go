package deploy

import (
	"context"
	"errors"
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
		ImageTag: rel.ImageTag, Env: d.cfg.Env, Config: rel.Config, Limits: d.cfg.Limits, User: d.cfg.User,
		StartCheck: d.startCheck(app)}
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
