package build

import (
	"context"
	"errors"
	"fmt"
	"github.com/botrunner/botrunner/internal/testhold"
	"os"
	"strings"
	"time"

	buildtypes "github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/internal/cleanup"
)

// plan is how a strategy wants the engine to build.
type plan struct {
	spec       contextSpec
	dockerfile string            // path of the Dockerfile inside the context
	buildArgs  map[string]string // passed to the engine as is
	depsStep   string            // text of the dependency step, "" = none
	failTip    string            // the hint of a failed build
	ownLabels  bool              // the Dockerfile labels the image itself (in one step)
}

// run sends the context and the plan to the engine and follows the build.
func (b *Builder) run(ctx context.Context, j *job, p plan) (Result, error) {
	tarFile, size, err := b.makeContext(j.tree, p.spec)
	if err != nil {
		return Result{}, err
	}
	defer removeTemp(tarFile)
	testhold.At("context", j.req.App)
	tag := Tag(j.req.App, j.req.Release)
	fmt.Fprintf(j.req.Output, "Sending build context (%s)\n", humanBytes(size))

	lim, err := b.startLimits(ctx, j)
	if err != nil {
		return Result{}, err
	}
	defer lim.stop()
	began := time.Now()
	bctx := lim.ctx
	resp, err := b.engine.ImageBuild(bctx, tarFile, b.buildOptions(j, p, tag, lim.cgroup))
	if err != nil {
		return Result{}, b.buildError(ctx, lim, err, p, true)
	}
	defer resp.Body.Close()
	res, err := renderStream(resp.Body, j.req.Output, p.depsStep, lim.disk.container)
	if err == nil && res.failure != "" && lim.diskExceeded() {
		err = errors.New(res.failure)
	}
	if err != nil {
		if lim.diskExceeded() {
			b.log.Info("build over its disk budget", "app", j.req.App, "release", j.req.Release,
				"written", lim.disk.used(), "budget", b.opts.Disk, "after", time.Since(began).Round(time.Millisecond))
			b.removeLeaf(ctx, lim.disk.step(), res.lastLayer)
		}
		return Result{}, b.buildError(ctx, lim, err, p, false)
	}
	if res.failure != "" {
		b.log.Info("build failed", "app", j.req.App, "release", j.req.Release, "error", res.failure)
		return Result{}, hint.Errorf(ErrBuildFailed.Code, failureTip(res, p), "build failed: %s", res.failure)
	}
	id, user, err := b.imageInfo(bctx, tag, res.imageID)
	if err != nil {
		return Result{}, b.buildError(ctx, lim, err, p, false)
	}
	b.log.Info("built", "app", j.req.App, "release", j.req.Release, "image", id,
		"deps_cached", res.depsCached, "took", time.Since(began).Round(time.Millisecond), "disk_peak", lim.disk.used())
	return Result{Image: id, Tag: tag, Strategy: j.strategy, Detail: j.detail,
		DepsCached: res.depsCached, User: user}, nil
}

// removeLeaf removes the untagged layer a cancelled build left as its
// last, and the untagged parents only it uses: what an over-budget build
// wrote stays on no disk. A tagged image (the base) or one with children
// (shared cache) stays.
func (b *Builder) removeLeaf(ctx context.Context, step, id string) {
	if id == "" {
		return
	}
	ctx, cancel := cleanup.Context(ctx, time.Minute)
	defer cancel()
	// The engine kills and removes the step container as it unwinds the
	// build; the layer under it can go only then.
	for step != "" && ctx.Err() == nil {
		if _, err := b.engine.ContainerInspect(ctx, step, client.ContainerInspectOptions{}); err != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	img, err := b.engine.ImageInspect(ctx, id)
	if err != nil || len(img.RepoTags) > 0 {
		return
	}
	if _, err := b.engine.ImageRemove(ctx, id, client.ImageRemoveOptions{PruneChildren: true}); err != nil {
		b.log.Info("layer of a cancelled build kept", "image", id, "err", err)
	}
}

// imageInfo inspects the new image for its ID and USER. The ID from the
// stream's aux message serves when the inspection fails; engines that send
// no aux message still tagged the image.
func (b *Builder) imageInfo(ctx context.Context, tag, auxID string) (id, user string, err error) {
	img, err := b.engine.ImageInspect(ctx, tag)
	switch {
	case err == nil && img.Config != nil:
		return img.ID, img.Config.User, nil
	case err == nil:
		return img.ID, "", nil
	case auxID != "":
		b.log.Warn("inspect built image", "tag", tag, "err", err)
		return auxID, "", nil
	}
	return "", "", fmt.Errorf("inspect %s: %w", tag, err)
}

// ContextPattern names the build context tars (os.CreateTemp pattern, and
// a glob): a gitd stopped mid-build leaves one, which its next start removes.
const ContextPattern = "botrunner-context-*.tar"

// makeContext writes the context tar to a temporary file first: the size
// limit then fails before the engine sees a byte, and the upload is a
// plain file.
func (b *Builder) makeContext(t *tree, spec contextSpec) (*os.File, int64, error) {
	f, err := os.CreateTemp(b.opts.TmpDir, ContextPattern)
	if err != nil {
		return nil, 0, fmt.Errorf("build context: %w", err)
	}
	size, err := writeContext(f, t.root, t.ig, spec, b.opts.MaxContext)
	if err == nil {
		_, err = f.Seek(0, 0)
	}
	if err != nil {
		removeTemp(f)
		return nil, 0, err
	}
	return f, size, nil
}

func removeTemp(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// buildOptions ask for the classic builder (BuildKit over the API needs a
// session), never pull (there may be no registry), and clean up
// intermediate containers even when a step fails.
func (b *Builder) buildOptions(j *job, p plan, tag, cgroup string) client.ImageBuildOptions {
	args := make(map[string]*string, len(p.buildArgs))
	for k, v := range p.buildArgs {
		args[k] = &v
	}
	labels := j.req.labels(b.opts.Labels)
	if p.ownLabels {
		labels = nil
	}
	return client.ImageBuildOptions{
		Version:      buildtypes.BuilderV1,
		Tags:         []string{tag},
		Dockerfile:   p.dockerfile,
		Labels:       labels,
		Remove:       true,
		ForceRemove:  true,
		PullParent:   false,
		Memory:       b.opts.Memory,
		MemorySwap:   b.opts.Memory,
		NetworkMode:  j.network,
		CgroupParent: cgroup,
		BuildArgs:    args,
	}
}

// buildError translates an engine error at the package border. atStart
// marks the engine's answer to the build request itself: that is the
// build's fault (a Dockerfile it cannot parse). Later errors (a broken
// stream) are the engine's.
func (b *Builder) buildError(ctx context.Context, lim *limits, err error, p plan, atStart bool) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("build: %w", ctx.Err())
	case lim.diskExceeded():
		return ErrBuildDiskExceeded.With(fmt.Sprintf("build wrote more than its disk budget (%s)",
			humanBytes(b.opts.Disk)), err)
	case errors.Is(lim.ctx.Err(), context.DeadlineExceeded):
		return ErrBuildTimeout.With("build timed out after "+shortDuration(b.opts.Timeout), err)
	case client.IsErrConnectionFailed(err):
		return ErrEngine.With("cannot reach the Docker Engine: "+err.Error(), err)
	case atStart:
		msg := strings.TrimPrefix(err.Error(), "Error response from daemon: ")
		return &hint.Error{Code: ErrBuildFailed.Code, Msg: "build failed: " + msg, Tip: p.failTip, Err: err}
	default:
		return ErrEngine.With("build: "+err.Error(), err)
	}
}

// failureTip picks the hint for a failed build by the step that failed.
func failureTip(res streamResult, p plan) string {
	step := res.step
	switch {
	case p.depsStep != "" && strings.Contains(step, p.depsStep) && res.depsOffline:
		return "pip could not reach the package index (no network for builds?), so requirements.txt may be fine: " +
			"the server's admin sets GITD_PIP_INDEX_URL to an index builds can reach (a local mirror); " +
			"or commit a Dockerfile that installs from wheels in the repo"
	case strings.HasPrefix(step, "FROM "):
		return "the base image is not on the server and could not be pulled; use an image the server has " +
			"(for bot.py-style builds the operator sets it with GITD_BASE_IMAGE)"
	case p.depsStep != "" && strings.Contains(step, p.depsStep):
		return "check requirements.txt: pip could not install a package listed there (see its error above)"
	case strings.Contains(step, "compileall"), strings.Contains(step, "compile("):
		return "fix the Python syntax error above and push again"
	}
	return p.failTip
}

// shortDuration prints 15m rather than 15m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
