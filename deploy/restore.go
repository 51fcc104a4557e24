package deploy

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/store"
)

// ensureImage makes sure the engine has rel's image before reconcile runs
// it. After a restore onto a fresh engine (`gitd restore`), the records
// name images the engine never had: the release's commit is built again
// (an image-mode release is pulled again, with the app's stored login) as
// the same release, with the same config, and its record takes the new
// image.
func (d *Engine) ensureImage(ctx context.Context, app store.App, rel store.Release) (store.Release, error) {
	if rel.Image == "" || d.builder.ImageExists(ctx, rel.Image) {
		return rel, nil
	}
	d.log.Info("reconcile: the current release's image is not on the engine, making it again", "app", app.Name,
		"release", rel.Number, "image", rel.Image, "source", rel.Source, "commit", rel.Commit)
	var res build.Result
	var err error
	if rel.Source != "" {
		res, err = d.pullAgain(ctx, app, rel)
	} else {
		res, err = d.buildAgain(ctx, app, rel)
	}
	if err != nil {
		return rel, fmt.Errorf("reconcile %s: make the image of v%d again: %w", app.Name, rel.Number, err)
	}
	rel.Image, rel.ImageTag = res.Image, res.Tag
	if err := d.store.UpdateRelease(rel); err != nil {
		return rel, fmt.Errorf("reconcile %s v%d: %w", app.Name, rel.Number, err)
	}
	return rel, nil
}

func (d *Engine) buildAgain(ctx context.Context, app store.App, rel store.Release) (build.Result, error) {
	if d.repos == nil || rel.Commit == "" {
		return build.Result{}, fmt.Errorf("no commit to build")
	}
	tree, err := d.repos.Tree(app.Name, rel.Commit)
	if err != nil {
		return build.Result{}, err
	}
	dir, err := os.MkdirTemp(d.cfg.TmpDir, checkoutPrefix)
	if err != nil {
		return build.Result{}, err
	}
	defer os.RemoveAll(dir)
	if err := Checkout(tree, dir, d.cfg.Checkout); err != nil {
		return build.Result{}, err
	}
	bs := build.Settings{Entrypoint: app.Settings.Entrypoint, Strategy: app.Settings.Builder}
	return d.runBuild(ctx, app, rel, build.Request{App: app.Name, Owner: app.Owner, Release: rel.Number,
		Dir: dir, Settings: bs}, io.Discard)
}

func (d *Engine) pullAgain(ctx context.Context, app store.App, rel store.Release) (build.Result, error) {
	if d.cfg.Puller == nil {
		return build.Result{}, ErrNoImageMode
	}
	r, err := build.ParseImageRef(rel.Source)
	if err != nil {
		return build.Result{}, err
	}
	auth, _, err := d.loginFor(app.Name, r, nil)
	if err != nil {
		return build.Result{}, err
	}
	res, _, err := d.pull(ctx, build.PullRequest{App: app.Name, Release: rel.Number, Ref: r, Auth: auth}, io.Discard)
	return res, err
}
