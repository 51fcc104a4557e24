package deploy

import (
	"context"
	"time"

	"github.com/botrunner/botrunner/internal/cleanup"
	"github.com/botrunner/botrunner/store"
)

// keepImages is how many of an app's latest releases keep their images
// (for rollback); older images are removed after each deploy.
const keepImages = 5

// gcImages removes the images of the app's releases older than the last
// keepImages. An image that a kept release reuses (a config change or a
// rollback runs an older release's image) stays.
func (d *Engine) gcImages(app string) {
	rels, err := d.store.Releases(app)
	if err != nil {
		d.log.Warn("image cleanup: list releases", "app", app, "err", err)
		return
	}
	for _, tag := range staleImages(rels, keepImages) {
		ctx, cancel := cleanup.Context(context.Background(), time.Minute)
		if err := d.sched.DropImage(ctx, tag); err != nil {
			d.log.Warn("image cleanup on the scheduler", "app", app, "image", tag, "err", err)
		}
		if err := d.builder.RemoveImage(ctx, tag); err != nil {
			d.log.Warn("image cleanup", "app", app, "image", tag, "err", err)
		}
		cancel()
	}
}

// staleImages are the image tags of deployed releases before the last
// keep deployed ones, less those the kept ones use: by tag, and by image
// ID (a rebuild from cache or a deploy:image of the same image is one
// image under two tags, and one manifest in a scheduler's registry, whose
// delete would take it from the kept release too).
func staleImages(rels []store.Release, keep int) []string {
	var deployed []store.Release
	for _, r := range rels {
		if r.Status == store.ReleaseDeployed && r.ImageTag != "" {
			deployed = append(deployed, r)
		}
	}
	if len(deployed) <= keep {
		return nil
	}
	kept := map[string]bool{}
	for _, r := range deployed[len(deployed)-keep:] {
		kept[r.ImageTag] = true
		if r.Image != "" {
			kept[r.Image] = true
		}
	}
	var stale []string
	seen := map[string]bool{}
	for _, r := range deployed[:len(deployed)-keep] {
		if !kept[r.ImageTag] && !kept[r.Image] && !seen[r.ImageTag] {
			stale = append(stale, r.ImageTag)
			seen[r.ImageTag] = true
		}
	}
	return stale
}
