package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/supervisor"
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

// Locker is the app's push lock (receive.Repos.Lock).
type Locker func(ctx context.Context, app string, onWait func()) (func(), error)

// TreeReader reads a commit's tree from an app's repository, for rebuilds.
type TreeReader interface {
	Tree(app, commit string) (*object.Tree, error)
}

// Supervisor restarts crashed bots (runtime/supervisor). It hears about
// gitd's own stops before they happen, so that they are not taken for
// crashes, and about starts, which begin a new run period.
type Supervisor interface {
	Stopped(app, by string)
	Started(app string)
	Forget(app string)
	State(app string) supervisor.State
}

func (d *Engine) lock(ctx context.Context, app string, out io.Writer) (func(), error) {
	if d.cfg.Lock == nil {
		return func() {}, nil
	}
	return d.cfg.Lock(ctx, app, func() { step(out, "waiting for the running deploy of %s to finish", app) })
}

// Stop stops the app's bot (SIGTERM, grace, SIGKILL); it stays stopped,
// without crash restarts, until Start or a deploy.
func (d *Engine) Stop(ctx context.Context, app store.App, by string, out io.Writer) error {
	unlock, err := d.lock(ctx, app.Name, out)
	if err != nil {
		return err
	}
	defer unlock()
	d.supervisorStopped(app.Name, by, true)
	cs, err := d.rt.List(ctx, d.scope(app.Name))
	if err != nil {
		return err
	}
	stopped := 0
	for _, c := range cs {
		if c.Running {
			step(out, "stopping %s v%s (SIGTERM, %s grace)", app.Name, c.Labels[runtime.LabelRelease], d.stopGrace(c))
			if err := d.rt.Stop(ctx, c.ID, d.stopGrace(c)); err != nil {
				return err
			}
			stopped++
		}
	}
	if stopped == 0 {
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
	start := time.Now()
	rel.Number = 0 // swapped in as itself: same image, same config, same number
	return d.reswap(ctx, app, rel, out, start)
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
	cs, err := d.rt.List(ctx, d.scope(app.Name, runtime.LabelRelease, strconv.Itoa(rel.Number)))
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Running {
			step(out, "%s v%d is already running", app.Name, rel.Number)
			if cfg, err := d.store.Config(app.Name); err == nil && store.DescribeChange(rel.Config, cfg) != "" {
				step(out, "config stored since v%d is not applied yet: `restart` applies it", rel.Number)
			}
			d.supervisorStarted(app.Name)
			return nil
		}
	}
	if done, err := d.applyPending(ctx, app, rel, by, out); done {
		return err
	}
	return d.reswap(ctx, app, rel, out, time.Now())
}

// reswap runs a release that already ran before (start, restart): a new
// container from its image, through the usual swap with the start check.
func (d *Engine) reswap(ctx context.Context, app store.App, rel store.Release, out io.Writer, start time.Time) error {
	if rel.Number == 0 {
		cur, err := d.current(app)
		if err != nil {
			return err
		}
		rel = cur
	}
	d.setPhase(app.Name, PhaseStarting)
	defer d.setPhase(app.Name, "")
	if err := d.swap(ctx, app, rel, out); err != nil {
		return err
	}
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

func (d *Engine) supervisorStopped(app, by string, persist bool) {
	if d.cfg.Supervisor != nil {
		d.cfg.Supervisor.Stopped(app, by)
	}
	if persist {
		if err := d.store.SetStopped(app, by); err != nil {
			d.log.Error("record stop", "app", app, "err", err)
		}
	}
}

// supervisorStarted begins a new run period: the bot should run again.
func (d *Engine) supervisorStarted(app string) {
	if d.cfg.Supervisor != nil {
		d.cfg.Supervisor.Started(app)
	}
	if err := d.store.SetStopped(app, ""); err != nil {
		d.log.Error("record start", "app", app, "err", err)
	}
}
