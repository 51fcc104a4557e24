package build

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/buildpacks/pack/pkg/cache"
	packclient "github.com/buildpacks/pack/pkg/client"
	"github.com/buildpacks/pack/pkg/image"
	projecttypes "github.com/buildpacks/pack/pkg/project/types"

	"github.com/botrunner/botrunner/hint"
)

// DefaultBuildpackBuilder is the builder when Options.BuildpackBuilder is
// empty (GITD_BUILDPACK_BUILDER's default).
const DefaultBuildpackBuilder = "heroku/builder:24"

// buildpackStrategy builds a tree with a Procfile or project.toml with
// Cloud Native Buildpacks, through pack used as a library.
type buildpackStrategy struct{}

func (buildpackStrategy) Name() string  { return "buildpack" }
func (buildpackStrategy) needs() string { return "Procfile or project.toml" }

// Detect fits a tree with project.toml or a Procfile. A Procfile must say
// which process runs; the detail names it ("Procfile, worker process").
func (buildpackStrategy) Detect(t *tree, _ Settings) (string, bool, error) {
	var found []string
	if t.exists("project.toml") {
		found = append(found, "project.toml")
	}
	if !t.exists(procfileName) {
		return strings.Join(found, ", "), len(found) > 0, nil
	}
	proc, err := treeProcess(t)
	if err != nil {
		return "", false, err
	}
	found = append(found, procfileName, proc+" process")
	return strings.Join(found, ", "), true, nil
}

// treeProcess reads the tree's Procfile and picks the process that runs.
func treeProcess(t *tree) (string, error) {
	fi, err := t.root.Lstat(procfileName)
	if err != nil || !fi.Mode().IsRegular() {
		return "", badProcfile("it is not a regular file")
	}
	f, err := t.root.Open(procfileName)
	if err != nil {
		return "", badProcfile("cannot read it: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxProcfile+1))
	if err != nil {
		return "", badProcfile("cannot read it: %v", err)
	}
	if len(data) > maxProcfile {
		return "", badProcfile("it is larger than %d KiB", maxProcfile>>10)
	}
	return procfileProcess(data)
}

func (buildpackStrategy) Build(ctx context.Context, b *Builder, j *job) (Result, error) {
	if b.opts.BuildpackEngine == nil {
		return Result{}, ErrEngine.With("buildpack builds are not set up on this server", nil)
	}
	pull, err := pullPolicy(b.opts.BuildpackPull)
	if err != nil {
		return Result{}, err
	}
	proc := ""
	if j.tree.exists(procfileName) {
		if proc, err = treeProcess(j.tree); err != nil {
			return Result{}, err
		}
	}
	desc, err := readProject(j.tree, j.req.Dir, j.req.Output)
	if err != nil {
		return Result{}, err
	}
	bctx, cancel := context.WithTimeout(ctx, b.opts.Timeout)
	defer cancel()
	if err := b.checkBuilder(bctx, pull); err != nil {
		return Result{}, err
	}
	began := time.Now()
	res, err := b.packBuild(ctx, bctx, j, pull, proc, desc)
	if err != nil {
		return Result{}, err
	}
	b.log.Info("built", "app", j.req.App, "release", j.req.Release, "image", res.Image, "strategy", "buildpack",
		"process", proc, "took", time.Since(began).Round(time.Millisecond))
	return res, nil
}

// packBuild runs pack's five-phase build, then labels the image.
func (b *Builder) packBuild(ctx, bctx context.Context, j *job, pull image.PullPolicy, proc string,
	desc projecttypes.Descriptor) (Result, error) {
	tag := Tag(j.req.App, j.req.Release)
	out := newLineWriter(j.req.Output)
	defer out.Flush()
	plog := &packLogger{out: out, log: b.log.With("app", j.req.App, "release", j.req.Release)}
	engine := &guardedEngine{BuildpackEngine: b.opts.BuildpackEngine, memory: b.opts.Memory, pids: b.opts.Pids}
	pack, err := packclient.NewClient(packclient.WithDockerClient(engine), packclient.WithLogger(plog))
	if err != nil {
		return Result{}, ErrEngine.With("buildpack client: "+err.Error(), err)
	}
	opts := b.packOptions(j, tag, pull, proc)
	opts.ProjectDescriptor, opts.ProjectDescriptorBaseDir = desc, j.req.Dir
	if j.req.Release > 1 {
		// The release before, if it was a buildpack image, lets the
		// exporter reuse its unchanged layers; one that is missing or
		// not a CNB image only makes the analyzer say so.
		opts.PreviousImage = Tag(j.req.App, j.req.Release-1)
	}
	err = pack.Build(bctx, opts)
	if err != nil {
		out.Flush()
		if pull == image.PullAlways && bctx.Err() == nil && strings.Contains(err.Error(), "failed to fetch builder image") {
			return Result{}, b.unavailable(err, "builder %s could not be pulled (GITD_BUILDPACK_PULL=always): %v",
				b.opts.BuildpackBuilder, err)
		}
		return Result{}, b.packError(ctx, bctx, err, plog)
	}
	if err := b.labelImage(bctx, j, tag); err != nil {
		return Result{}, b.packError(ctx, bctx, err, plog)
	}
	id, user, err := b.imageInfo(bctx, tag, "")
	if err != nil {
		return Result{}, b.packError(ctx, bctx, err, plog)
	}
	return Result{Image: id, Tag: tag, Strategy: j.strategy, Detail: j.detail, User: user}, nil
}

// packOptions are pack's options for one build. TrustBuilder is always
// false: pack then runs the untrusted five-phase flow, in which only the
// lifecycle image's analyzer, restorer and exporter get the engine's
// socket, and the buildpacks (the app's code) run in detector and builder
// containers without it. The build cache lives in volumes per app and
// owner (not per image tag, which would leave volumes per release).
func (b *Builder) packOptions(j *job, tag string, pull image.PullPolicy, proc string) packclient.BuildOptions {
	vol := cacheVolume(j.req.Owner, j.req.App)
	return packclient.BuildOptions{
		Image:              tag,
		Builder:            b.opts.BuildpackBuilder,
		AppPath:            j.req.Dir,
		LifecycleImage:     b.opts.BuildpackLifecycle,
		PullPolicy:         pull,
		TrustBuilder:       func(string) bool { return false },
		Env:                maps.Clone(b.opts.BuildArgs),
		DefaultProcessType: proc,
		// -1 keeps the builder's CNB user; pack's zero value would make
		// the phases run the app's buildpacks as uid/gid 0.
		UserID: -1, GroupID: -1,
		ContainerConfig: packclient.ContainerConfig{Network: j.network},
		Cache: cache.CacheOpts{
			Build:  cache.CacheInfo{Format: cache.CacheVolume, Source: vol + ".build"},
			Launch: cache.CacheInfo{Format: cache.CacheVolume, Source: vol + ".launch"},
			Kaniko: cache.CacheInfo{Format: cache.CacheVolume, Source: vol + ".kaniko"},
		},
	}
}

// cacheVolume names an app's cache volumes. The owner is part of the name:
// an app that is destroyed and created again by someone else starts with
// an empty cache, not with what the previous owner's build left there.
func cacheVolume(owner, app string) string {
	sum := sha256.Sum256([]byte(owner + "/" + app))
	return fmt.Sprintf("botrunner-cnb-%s-%x", app, sum[:4])
}

// pullPolicy maps GITD_BUILDPACK_PULL; "" is if-not-present (pack's own
// zero value would be always).
func pullPolicy(s string) (image.PullPolicy, error) {
	switch s {
	case "", "if-not-present":
		return image.PullIfNotPresent, nil
	case "never":
		return image.PullNever, nil
	case "always":
		return image.PullAlways, nil
	}
	return 0, ErrInvalidRequest.With(fmt.Sprintf("unknown buildpack pull policy %q", s), nil)
}

// checkBuilder fails early, with a hint, when the builder is not on the
// engine and may not be pulled.
func (b *Builder) checkBuilder(ctx context.Context, pull image.PullPolicy) error {
	if pull != image.PullNever {
		return nil
	}
	if _, err := b.opts.BuildpackEngine.ImageInspect(ctx, b.opts.BuildpackBuilder); err != nil {
		return b.missingBuilder(err)
	}
	return nil
}

func (b *Builder) missingBuilder(err error) error {
	return &hint.Error{Code: ErrBuilderUnavailable.Code, Err: err, Tip: ErrBuilderUnavailable.Tip,
		Msg: fmt.Sprintf("builder %s is not on this engine: pull it or set GITD_BUILDPACK_BUILDER",
			b.opts.BuildpackBuilder)}
}

// RemoveCache removes the app's buildpack build cache volumes (when the
// app is destroyed); volumes that are not there are no error.
func (b *Builder) RemoveCache(ctx context.Context, owner, app string) error {
	if b.opts.BuildpackEngine == nil {
		return nil
	}
	vol := cacheVolume(owner, app)
	for _, kind := range []string{".build", ".launch", ".kaniko"} {
		_, err := b.opts.BuildpackEngine.VolumeRemove(ctx, vol+kind, client.VolumeRemoveOptions{Force: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("remove build cache %s: %w", vol+kind, err)
		}
	}
	return nil
}
