package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/store"
)

// Reconcile puts this gitd's bots and files back in order after it stopped
// without warning (kill -9, power loss). Run it at start, once the engine
// answers and before the supervisor adopts containers and before serving:
//
//   - a release still "building" or "started" never finished: it is marked
//     failed with the reason, and the image built for it is removed — but
//     the app's last release, "started" while its ref already points at its
//     commit (gitd stopped between the ref update and the accept), is
//     accepted: the repository says it was pushed;
//   - of each app, exactly the recorded current release runs: containers of
//     any other release (a never-accepted one too) are stopped and removed,
//     and the current one is started if it does not run — unless the app's
//     user (or the run-time limit) stopped it;
//   - images of releases older than the kept ones go (as after a deploy);
//   - containers of apps this gitd no longer has, checkout dirs and build
//     context tars left in TmpDir are removed.
//
// Only containers with this gitd's instance label are looked at: other
// gitds on the same engine keep theirs. Each thing it changes is one INFO
// line. Errors are logged and the next item is tried; the first is returned.
func (d *Engine) Reconcile(ctx context.Context, apps []store.App) error {
	var errs []error
	known := map[string]bool{}
	for _, a := range apps {
		known[a.Name] = true
		images, err := d.finishReleases(ctx, a)
		if fresh, ferr := d.store.App(a.Name); ferr == nil {
			a = fresh // finishReleases may have accepted a release
		}
		errs = append(errs, err, d.reconcileApp(ctx, a))
		for _, tag := range images { // after their containers are gone: the engine keeps an image in use
			d.log.Info("reconcile: removing the image of a release never accepted", "app", a.Name, "image", tag)
			d.removeImage(tag)
		}
		d.gcImages(a.Name) // a deploy that died before its own clean-up
	}
	errs = append(errs, d.removeOrphanBots(ctx, known))
	d.removeTempFiles()
	return errors.Join(errs...)
}

// finishReleases marks the app's unfinished releases failed and returns
// the images made for them alone, for the caller to remove.
func (d *Engine) finishReleases(ctx context.Context, app store.App) ([]string, error) {
	rels, err := d.store.Releases(app.Name)
	if err != nil {
		return nil, fmt.Errorf("reconcile %s: %w", app.Name, err)
	}
	var images []string
	for i, r := range rels {
		if !store.Unfinished(r.Status) {
			continue
		}
		if i == len(rels)-1 && d.stored(r) {
			if err := d.store.AcceptRelease(app.Name, r.Number); err != nil {
				return images, fmt.Errorf("reconcile %s v%d: %w", app.Name, r.Number, err)
			}
			d.log.Info("reconcile: the push of a started release was stored, release accepted", "app", app.Name,
				"release", r.Number, "ref", r.Ref)
			continue
		}
		was := r.Status
		r.Status, r.Reason = store.ReleaseFailed, "gitd stopped during the build"
		if was == store.ReleaseStarted {
			r.Reason = "gitd stopped before the push was stored"
		}
		if err := d.store.UpdateRelease(r); err != nil {
			return images, fmt.Errorf("reconcile %s v%d: %w", app.Name, r.Number, err)
		}
		d.log.Info("reconcile: release never finished, marked failed", "app", app.Name, "release", r.Number,
			"was", was, "reason", r.Reason)
		if tag := ownImage(rels, r); tag != "" && d.builder.ImageExists(ctx, tag) {
			images = append(images, tag)
		}
	}
	return images, nil
}

// stored reports whether r is a started release whose push was committed
// (its ref is at its commit) when gitd stopped before accepting it: the
// repository is the record of what was pushed, so r is what should run.
func (d *Engine) stored(r store.Release) bool {
	if r.Status != store.ReleaseStarted || r.Ref == "" || r.Commit == "" {
		return false
	}
	h, err := d.repos.Head(r.App, plumbing.ReferenceName(r.Ref))
	return err == nil && h.String() == r.Commit
}

// ownImage is the image tag made for r alone: its own tag (or, when the
// build never recorded one, the tag a build of r gets), unless another
// release runs that image (a config change reuses its release's image).
func ownImage(rels []store.Release, r store.Release) string {
	tag := r.ImageTag
	if tag == "" && r.Source == "" {
		tag = build.Tag(r.App, r.Number)
	}
	for _, o := range rels {
		if o.Number != r.Number && o.ImageTag == tag {
			return ""
		}
	}
	return tag
}

// reconcileApp leaves exactly the app's current release's bot, and runs
// it unless the app was stopped on purpose; what runs has its output
// followed.
func (d *Engine) reconcileApp(ctx context.Context, app store.App) error {
	var cur *scheduler.Release
	if app.Current != 0 {
		rel, err := d.current(app)
		if err != nil {
			return err
		}
		if app.Stopped == "" { // after a restore onto a fresh engine, its image may be missing
			if rel, err = d.ensureImage(ctx, app, rel); err != nil {
				return err
			}
		}
		r := d.release(app, rel)
		cur = &r
	}
	if err := d.sched.Converge(ctx, app.Name, cur, app.Stopped == ""); err != nil {
		return fmt.Errorf("reconcile %s: %w", app.Name, err)
	}
	d.followRunning(app.Name)
	return nil
}

// removeOrphanBots removes this gitd's bots of apps it does not have (an
// apps:destroy cut short).
func (d *Engine) removeOrphanBots(ctx context.Context, known map[string]bool) error {
	bots, err := d.sched.List(ctx)
	if err != nil {
		return fmt.Errorf("reconcile: list bots: %w", err)
	}
	var errs []error
	for _, b := range bots {
		if !known[b.App] {
			d.log.Info("reconcile: removing the bot of an app that does not exist", "app", b.App,
				"runs", len(b.Instances))
			errs = append(errs, d.sched.Remove(ctx, b.App))
		}
	}
	return errors.Join(errs...)
}

// removeTempFiles removes checkout dirs and build context tars a stopped
// gitd left in TmpDir (its own dir in the data dir, nobody else's).
func (d *Engine) removeTempFiles() {
	if d.cfg.TmpDir == "" {
		return // the system's temp dir is shared: never swept
	}
	for _, pat := range []string{checkoutPrefix + "*", build.ContextPattern} {
		found, _ := filepath.Glob(filepath.Join(d.cfg.TmpDir, pat))
		for _, p := range found {
			d.log.Info("reconcile: removing a leftover of a build", "path", p)
			if err := os.RemoveAll(p); err != nil {
				d.log.Warn("reconcile: remove", "path", p, "err", err)
			}
		}
	}
}
