package deploy

import (
	"context"
	"errors"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

// Destroy stops and removes the app's bot (its runs, its network) and its
// images: `apps:destroy` leaves nothing of it running or on disk. What
// cannot be removed is returned (the app is then kept, so destroy can be
// run again); a bot that does not stop in time is removed by force all the
// same.
func (d *Engine) Destroy(ctx context.Context, app string) error {
	if err := d.sched.Remove(ctx, app); err != nil {
		d.log.Warn("destroy: bot left", "app", app, "err", err)
		return ErrDestroyIncomplete.Reword("", "the bot of %s could not be removed: %v", names.Quote(app), err)
	}
	d.logs.forget(app)
	if d.cfg.Logs != nil {
		if err := d.cfg.Logs.Delete(app); err != nil {
			return err
		}
	}
	if err := d.removeImages(ctx, app); err != nil {
		return err
	}
	if a, err := d.store.App(app); err == nil {
		if err := d.builder.RemoveCache(ctx, a.Owner, app); err != nil {
			d.log.Warn("remove build cache", "app", app, "err", err)
		}
	}
	return nil
}

// removeImages removes the image of every release of the app, and says
// which it could not.
func (d *Engine) removeImages(ctx context.Context, app string) error {
	rels, err := d.store.Releases(app)
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range rels {
		tag := r.ImageTag
		if tag == "" && r.Source == "" && r.Status == store.ReleaseFailed {
			tag = build.Tag(app, r.Number) // a build cut short may have tagged its image unrecorded
			if !d.builder.ImageExists(ctx, tag) {
				continue
			}
		}
		if tag == "" {
			continue
		}
		// The scheduler's copy (a swarm's registry): a registry that keeps
		// it (deletion disabled) does not hold up the destroy.
		if err := d.sched.DropImage(ctx, tag); err != nil {
			d.log.Warn("destroy: image copy left on the scheduler", "app", app, "image", tag, "err", err)
		}
		if err := d.builder.RemoveImage(ctx, tag); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		d.log.Warn("destroy: images left", "app", app, "err", errors.Join(errs...))
		return ErrDestroyIncomplete.Reword("", "%d image(s) of %s could not be removed", len(errs), names.Quote(app))
	}
	return nil
}
