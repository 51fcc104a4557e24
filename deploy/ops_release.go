package deploy

import (
	"context"
	"fmt"
	"io"

	"github.com/botrunner/botrunner/store"
)

// Release-making actions: rollback to an earlier release, rebuild of the
// current commit.

// Rollback makes a new release from vN's image and config (default: the
// deployed release before the current one), saying first which config vars
// that changes, by name. codeOnly keeps the current config instead. The
// config goes back through the store's checks: a BOT_TOKEN another app took
// meanwhile is refused.
func (d *Engine) Rollback(ctx context.Context, app store.App, target int, codeOnly bool, by string, out io.Writer) error {
	unlock, err := d.lock(ctx, app.Name, out)
	if err != nil {
		return err
	}
	defer unlock()
	from, err := d.rollbackTarget(ctx, app, target)
	if err != nil {
		return err
	}
	cur, err := d.store.Config(app.Name)
	if err != nil {
		return err
	}
	label := fmt.Sprintf("rollback to v%d", from.Number)
	if codeOnly {
		return d.reuse(ctx, app, from, cur, label+", code only", by, out)
	}
	if change := store.DescribeChange(cur, from.Config); change != "" {
		step(out, "config goes back to v%d's: %s (`rollback --code-only` keeps the current config)", from.Number, change)
		label += "; " + change
	}
	set, unset := store.DiffConfig(cur, from.Config)
	if _, err := d.store.SetConfig(app.Name, set, unset); err != nil {
		return err
	}
	if err := d.reuse(ctx, app, from, from.Config, label, by, out); err != nil {
		// The release that runs keeps today's config; so does the store, or
		// the next restart would apply the rollback's config after all.
		set, unset := store.DiffConfig(from.Config, cur)
		if _, rerr := d.store.SetConfig(app.Name, set, unset); rerr != nil {
			d.log.Error("revert config after a failed rollback", "app", app.Name, "err", rerr)
		}
		return err
	}
	return nil
}

func (d *Engine) rollbackTarget(ctx context.Context, app store.App, target int) (store.Release, error) {
	rels, err := d.store.Releases(app.Name)
	if err != nil {
		return store.Release{}, err
	}
	var pick *store.Release
	for i := len(rels) - 1; i >= 0; i-- {
		r := &rels[i]
		ok := r.Status == store.ReleaseDeployed && r.Image != ""
		if (target == 0 && ok && r.Number < app.Current) || (target != 0 && r.Number == target) {
			pick = r
			break
		}
	}
	switch {
	case pick != nil && pick.Number == app.Current:
		return store.Release{}, ErrNoSuchRelease.With(fmt.Sprintf("v%d is the current release already", pick.Number), nil)
	case pick == nil && target == 0:
		return store.Release{}, ErrNoSuchRelease.With("there is no earlier release to roll back to", nil)
	case pick == nil || pick.Status != store.ReleaseDeployed || pick.Image == "":
		return store.Release{}, ErrNoSuchRelease.With(fmt.Sprintf("v%d does not exist or never ran", target), nil)
	}
	if !d.builder.ImageExists(ctx, pick.ImageTag) {
		return store.Release{}, imageGone(*pick)
	}
	return *pick, nil
}

// Rebuild builds the current release's commit again and deploys it as a
// new release (after a base image update, say); an image-mode release is
// pulled again instead, with the app's stored registry login.
func (d *Engine) Rebuild(ctx context.Context, app store.App, by string, out io.Writer) error {
	unlock, err := d.lock(ctx, app.Name, out)
	if err != nil {
		return err
	}
	defer unlock()
	defer d.setPhase(app.Name, "")
	cur, err := d.current(app)
	if err != nil {
		return err
	}
	if cur.Source != "" { // an image-mode release: pull its ref again
		return d.repull(ctx, app, cur, by, out)
	}
	tree, err := d.repos.Tree(app.Name, cur.Commit)
	if err != nil {
		return ErrDeployFailed.With(fmt.Sprintf("rebuild: read commit %s", shortID(cur.Commit)), err)
	}
	s, err := d.buildRelease(ctx, app, tree, store.Release{App: app.Name, Commit: cur.Commit, Ref: cur.Ref,
		Tag: cur.Tag, Pusher: by, ConfigChange: fmt.Sprintf("rebuild of v%d", cur.Number)}, out)
	if err != nil {
		return err
	}
	return d.accept(s)
}
