package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/store"
)

// Operator actions on an app's bot. Each takes the app's push lock first,
// so it never interleaves with a push's deploy or another action.

var (
	// ErrNotDeployed is an action that needs a running release.
	ErrNotDeployed = hint.New("NOT_DEPLOYED", "the app has no release yet", "push to it first: git push bots main")
	// ErrNoSuchRelease is a rollback target that does not exist or never ran.
	ErrNoSuchRelease = hint.New("NO_SUCH_RELEASE", "no such release",
		"run `releases <app>` to see the releases you can roll back to")
	// ErrImageGone is a rollback target whose image was cleaned up.
	ErrImageGone = hint.New("IMAGE_GONE", "that release's image is no longer kept",
		"only the last releases' images are kept; push that commit again (git push --force) to rebuild it")
)

func (d *Engine) lock(ctx context.Context, app string, out io.Writer) (func(), error) {
	return d.repos.Lock(ctx, app, func() { step(out, "waiting for the running deploy of %s to finish", app) })
}

// Stop stops the app's bot (SIGTERM, grace, SIGKILL); it stays stopped,
// without crash restarts, until Start or a deploy.
func (d *Engine) Stop(ctx context.Context, app store.App, by string, out io.Writer) error {
	unlock, err := d.lock(ctx, app.Name, out)
	if err != nil {
		return err
	}
	defer unlock()
	if by == "" {
		by = "operator"
	}
	// Recorded first: a gitd that dies during the stop keeps the bot stopped.
	if err := d.store.SetStopped(app.Name, by); err != nil {
		d.log.Error("record stop", "app", app.Name, "err", err)
	}
	stopped, err := d.sched.Stop(ctx, app.Name, by, out)
	if err != nil {
		return err
	}
	if !stopped {
		step(out, "%s was not running", app.Name)
	}
	return nil
}

// Start starts the current release again (its container, or a new one
// from its image when the container is gone), with the start check. Config
// stored with --no-restart since that release makes a new release instead.
func (d *Engine) Start(ctx context.Context, app store.App, by string, out io.Writer) error {
	unlock, err := d.lock(ctx, app.Name, out)
	if err != nil {
		return err
	}
	defer unlock()
	return d.startCurrent(ctx, app, by, out)
}

// Restart stops and starts the current release, or, when config was stored
// with --no-restart since, runs its image with that config as a new release.
func (d *Engine) Restart(ctx context.Context, app store.App, by string, out io.Writer) error {
	unlock, err := d.lock(ctx, app.Name, out)
	if err != nil {
		return err
	}
	defer unlock()
	rel, err := d.current(app)
	if err != nil {
		return err
	}
	if done, err := d.applyPending(ctx, app, rel, by, out); done {
		return err
	}
	return d.reswap(ctx, app, rel, out, true) // as itself: same image, same config, same number
}

// applyPending releases rel's image with the app's stored config when that
// differs from rel's (a config:set --no-restart); done is false when there
// is nothing pending.
func (d *Engine) applyPending(ctx context.Context, app store.App, rel store.Release, by string, out io.Writer) (done bool, err error) {
	cfg, err := d.store.Config(app.Name)
	if err != nil {
		return true, err
	}
	change := store.DescribeChange(rel.Config, cfg)
	if change == "" {
		return false, nil
	}
	step(out, "%s: applying config stored since v%d (%s)", app.Name, rel.Number, change)
	return true, d.reuse(ctx, app, rel, cfg, change, by, out)
}

func (d *Engine) startCurrent(ctx context.Context, app store.App, by string, out io.Writer) error {
	rel, err := d.current(app)
	if err != nil {
		return err
	}
	runs, err := d.runs(ctx, app.Name, rel.Number)
	if err != nil {
		return err
	}
	if runs {
		return d.alreadyRunning(ctx, app, rel, out)
	}
	if done, err := d.applyPending(ctx, app, rel, by, out); done {
		return err
	}
	return d.reswap(ctx, app, rel, out, false)
}

// alreadyRunning says so, and names config stored since rel that a
// restart would apply; a hold (by the run-time limit) is lifted.
// The scheduler's Start says whether it found it running: a bot that
// ended between the two looks was started through the swap meanwhile,
// which its own output shows.
func (d *Engine) alreadyRunning(ctx context.Context, app store.App, rel store.Release, out io.Writer) error {
	already, err := d.sched.Start(ctx, d.release(app, rel), out)
	if err != nil {
		return d.runError(app, rel, err)
	}
	if already {
		step(out, "%s v%d is already running", app.Name, rel.Number)
	}
	if cfg, err := d.store.Config(app.Name); err == nil && store.DescribeChange(rel.Config, cfg) != "" {
		step(out, "config stored since v%d is not applied yet: `restart` applies it", rel.Number)
	}
	d.running(app.Name)
	return nil
}

// runs reports whether release n of the app runs.
func (d *Engine) runs(ctx context.Context, app string, n int) (bool, error) {
	st, err := d.sched.Status(ctx, app)
	if err != nil {
		return false, err
	}
	for _, in := range st.Instances {
		if in.Release == n && in.Running {
			return true, nil
		}
	}
	return false, nil
}

// reswap runs a release that already ran before (start, restart) through
// the scheduler's swap with the start check: anew even if it runs when
// restart is set.
func (d *Engine) reswap(ctx context.Context, app store.App, rel store.Release, out io.Writer, restart bool) error {
	start := time.Now()
	d.setPhase(app.Name, PhaseStarting)
	defer d.setPhase(app.Name, "")
	var err error
	if restart {
		err = d.sched.Restart(ctx, d.release(app, rel), out)
	} else {
		_, err = d.sched.Start(ctx, d.release(app, rel), out)
	}
	d.followRunning(app.Name)
	if err != nil {
		return d.runError(app, rel, err)
	}
	d.running(app.Name)
	step(out, "%s v%d is running (%.1f s)", app.Name, rel.Number, time.Since(start).Seconds())
	return nil
}

// current is the app's current release.
func (d *Engine) current(app store.App) (store.Release, error) {
	if app.Current == 0 {
		return store.Release{}, ErrNotDeployed
	}
	rel, err := d.store.Release(app.Name, app.Current)
	if err != nil {
		return store.Release{}, fmt.Errorf("current release of %s: %w", app.Name, err)
	}
	return rel, nil
}

// Reconfigure makes a new release of the current image with the app's
// config as it is now (after config:set or config:unset), as Heroku does.
func (d *Engine) Reconfigure(ctx context.Context, app store.App, change, by string, out io.Writer) error {
	unlock, err := d.lock(ctx, app.Name, out)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := d.current(app)
	if errors.Is(err, ErrNotDeployed) {
		step(out, "%s has no release yet: the config applies from its first deploy", app.Name)
		return nil
	}
	if err != nil {
		return err
	}
	cfg, err := d.store.Config(app.Name)
	if err != nil {
		return err
	}
	return d.reuse(ctx, app, cur, cfg, change, by, out)
}

// reuse records and swaps in a new release that runs an existing release's
// image with cfg.
func (d *Engine) reuse(ctx context.Context, app store.App, from store.Release, cfg map[string]string, change, by string, out io.Writer) error {
	start := time.Now()
	rel, err := d.store.AddRelease(store.Release{App: app.Name, Commit: from.Commit, Ref: from.Ref, Tag: from.Tag,
		Image: from.Image, ImageTag: from.ImageTag, Strategy: from.Strategy, Source: from.Source, Pusher: by,
		Status: store.ReleaseBuilding, Config: cfg, ConfigChange: change})
	if err != nil {
		return ErrDeployFailed.With("record release", err)
	}
	step(out, "%s: releasing v%d (%s)", app.Name, rel.Number, change)
	d.setPhase(app.Name, PhaseStarting)
	defer d.setPhase(app.Name, "")
	return d.swapIn(ctx, app, rel, out, start, false)
}
