package testenv

import (
	"context"
	"fmt"
	"time"
)

// recipe is how to make one image.
type recipe struct {
	tag    string
	stamp  string                                        // stampLabel value; the image must carry it
	build  func(ctx context.Context, stamp string) error // makes tag, labelled with stamp
	verify func(ctx context.Context) error               // optional: proves the new image works
}

// ensure returns r.tag, building it first unless an image with the right
// stamp exists. The check is repeated under a machine-wide lock so that
// concurrent test processes build once and the others wait.
func ensure(ctx context.Context, r recipe) (string, error) {
	if _, stamp, ok, err := imageStamp(ctx, r.tag); err != nil {
		return "", err
	} else if ok && stamp == r.stamp {
		Logger.Info("using image (built before)", "image", r.tag)
		return r.tag, nil
	}
	unlock, err := lockFile(ctx, "botrunner-testenv-"+sanitize(r.tag))
	if err != nil {
		return "", fmt.Errorf("lock %s: %w", r.tag, err)
	}
	defer unlock()

	oldID, stamp, ok, err := imageStamp(ctx, r.tag)
	if err != nil {
		return "", err
	}
	if ok && stamp == r.stamp {
		return r.tag, nil // another process built it while we waited
	}
	log := Logger.With("image", r.tag)
	if ok {
		log.Info("image is stale, rebuilding", "have", stamp, "want", r.stamp)
	} else {
		log.Info("building image (once per machine; the base image takes 10-20 minutes on 2 cores)")
	}
	began := time.Now()
	if err := r.build(ctx, r.stamp); err != nil {
		return "", fmt.Errorf("build %s: %w", r.tag, err)
	}
	if r.verify != nil {
		if err := r.verify(ctx); err != nil {
			// Don't leave a broken image for the next run to trust.
			_, _ = docker(context.WithoutCancel(ctx), nil, "image", "rm", "--force", r.tag)
			return "", fmt.Errorf("verify %s: %w", r.tag, err)
		}
	}
	if oldID != "" {
		// The stale image is untagged now; drop it unless a container uses it.
		_, _ = docker(ctx, nil, "image", "rm", oldID)
	}
	log.Info("image ready", "took", time.Since(began).Round(100*time.Millisecond))
	return r.tag, nil
}

// sanitize turns a tag into a file name.
func sanitize(tag string) string {
	b := []byte(tag)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}
