package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"regexp"
	"strconv"
	"time"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/internal/logging"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Labels every image gets; the runtime labels containers with the same keys.
const (
	LabelApp     = "botrunner.app"
	LabelOwner   = "botrunner.owner"
	LabelRelease = "botrunner.release"
)

// Defaults for the zero Options fields.
const (
	DefaultBaseImage  = "python:3.11-slim"
	DefaultTimeout    = 15 * time.Minute
	DefaultMemory     = 1 << 30
	DefaultMaxContext = 200 << 20
)

// Settings are the app's build settings.
type Settings struct {
	Entrypoint string // simple: the .py file to run, relative to the root; "" = the first of Entrypoints
	Strategy   string // force one by name (see Strategies); "" = detect
}

// Request is one build.
type Request struct {
	App, Owner string
	Release    int
	Dir        string // the checked-out tree (path-safe, no .git)
	Settings   Settings
	Output     io.Writer // build output streamed here, line by line; nil = discarded
}

// Result is a built image.
type Result struct {
	Image      string // image ID (sha256:...)
	Tag        string // botrunner/<app>:v<N>
	Strategy   string // "dockerfile" | "buildpack" | "simple"
	Detail     string // e.g. "bot.py, requirements.txt"
	DepsCached bool   // simple: the requirements layer came from cache
	// User is the image's USER: "10001:10001" for simple builds, whatever
	// a Dockerfile says ("" = root) for dockerfile builds, the run image's
	// for buildpack builds.
	User string
}

// Options configure a Builder; zero fields take the defaults above.
type Options struct {
	BaseImage string        // GITD_BASE_IMAGE
	Timeout   time.Duration // GITD_BUILD_TIMEOUT
	Memory    int64         // build memory limit in bytes (no swap on top)
	Network   string        // network for RUN steps ("" = NetworkFor's, else the engine's default bridge)
	// NetworkFor names (and makes, if missing) the network of an app's
	// build steps when Network is "": gitd gives each build its app's own
	// network, firewalled like the bots' (docs/network.md). nil = the
	// engine's default bridge, which reaches the host.
	NetworkFor func(ctx context.Context, app string) (string, error)
	BuildArgs  map[string]string // e.g. PIP_INDEX_URL (operator's mirror); never the app's config vars
	MaxContext int64             // build context (tar) size limit in bytes
	// Pids is the most processes a build may run at once (GITD_BUILD_PIDS;
	// 0 = no limit). It needs the engine's cgroup driver (CgroupDriver,
	// from the engine's info) to be cgroupfs and /sys/fs/cgroup writable;
	// New logs an error when it cannot be enforced.
	Pids         int64
	CgroupDriver string
	// Disk is the most a build may write, all steps together
	// (GITD_BUILD_DISK; 0 = no limit), measured every DiskPoll
	// (0 = DefaultDiskPoll) while the build runs.
	Disk       int64
	DiskPoll   time.Duration
	Registries []string          // GITD_BUILD_REGISTRIES: hosts a Dockerfile's FROM may name besides docker.io
	TmpDir     string            // where context tars are written ("" = the system's temp dir)
	Labels     map[string]string // extra image labels (e.g. botrunner.test=1); the botrunner.* keys win
	Log        *slog.Logger

	// Buildpack builds (Procfile/project.toml, through pack): the builder
	// image (GITD_BUILDPACK_BUILDER, "" = DefaultBuildpackBuilder), the
	// lifecycle image of the phases that reach the engine
	// (GITD_BUILDPACK_LIFECYCLE_IMAGE, "" = pack's for the builder's
	// lifecycle version), when to pull them ("always", "if-not-present"
	// (""), "never") and the client pack drives the engine with (nil = no
	// buildpack builds).
	BuildpackBuilder   string
	BuildpackLifecycle string
	BuildpackPull      string
	BuildpackEngine    BuildpackEngine
}

// Builder builds images on one engine. It is safe for concurrent use;
// the pipeline's per-app lock keeps two builds of one app apart.
type Builder struct {
	engine Engine
	opts   Options
	log    *slog.Logger
	pids   *pidsLimiter // nil = builds have no process limit
}

// New returns a Builder using engine.
func New(engine Engine, o Options) *Builder {
	if o.BaseImage == "" {
		o.BaseImage = DefaultBaseImage
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Memory <= 0 {
		o.Memory = DefaultMemory
	}
	if o.MaxContext <= 0 {
		o.MaxContext = DefaultMaxContext
	}
	if o.BuildpackBuilder == "" {
		o.BuildpackBuilder = DefaultBuildpackBuilder
	}
	if o.DiskPoll <= 0 {
		o.DiskPoll = DefaultDiskPoll
	}
	b := &Builder{engine: engine, opts: o, log: logging.Component(o.Log, "build")}
	if o.Pids > 0 {
		pl, err := newPidsLimiter(cgroupRoot, o.CgroupDriver, o.Pids)
		if err != nil {
			b.log.Error("build process limit NOT enforced: a build may fork without limit (see docs/architecture.md, Builds)",
				"pids", o.Pids, "err", err)
		} else {
			b.log.Info("build process limit", "pids", o.Pids, "cgroup_v2", pl.v2)
		}
		b.pids = pl
	}
	return b
}

// Tag is the image tag of an app's release.
func Tag(app string, release int) string {
	return fmt.Sprintf("botrunner/%s:v%d", app, release)
}

// Detect names the strategy that would build dir, and a detail such as
// "bot.py, requirements.txt" or "Procfile, worker process".
func (b *Builder) Detect(dir string, s Settings) (name, detail string, err error) {
	t, err := openTree(dir)
	if err != nil {
		return "", "", err
	}
	defer t.Close()
	st, detail, err := detect(t, s)
	if err != nil {
		return "", "", err
	}
	return st.Name(), detail, nil
}

// job is one Build call on its way through a strategy.
type job struct {
	req      Request
	network  string // for RUN steps and buildpack phases ("" = the engine's default bridge)
	tree     *tree
	strategy string
	detail   string
}

var appName = regexp.MustCompile(`^[a-z][a-z0-9-]{1,38}[a-z0-9]$`)

// Build detects the strategy and builds the image, streaming the engine's
// output to r.Output. Failures are hint errors: BUILD_FAILED (with the
// engine's message), BUILD_TIMEOUT, CONTEXT_TOO_LARGE, NO_BUILD_STRATEGY,
// INVALID_ENTRYPOINT, INVALID_PROCFILE, NO_BUILDPACK,
// BUILDER_UNAVAILABLE, ENGINE_UNAVAILABLE; a cancelled
// ctx returns an error wrapping ctx.Err().
func (b *Builder) Build(ctx context.Context, r Request) (Result, error) {
	if !appName.MatchString(r.App) || r.Release < 1 || r.Dir == "" {
		return Result{}, ErrInvalidRequest.With(
			fmt.Sprintf("invalid build request: app %q, release %d, dir %q", r.App, r.Release, r.Dir), nil)
	}
	if r.Output == nil {
		r.Output = io.Discard
	}
	t, err := openTree(r.Dir)
	if err != nil {
		return Result{}, err
	}
	defer t.Close()
	st, detail, err := detect(t, r.Settings)
	if err != nil {
		return Result{}, err
	}
	network, err := b.network(ctx, r.App)
	if err != nil {
		return Result{}, err
	}
	b.log.Info("build", "app", r.App, "release", r.Release, "strategy", st.Name(), "detail", detail, "network", network)
	return st.Build(ctx, b, &job{req: r, tree: t, strategy: st.Name(), detail: detail, network: network})
}

// network is the network a build of app runs its steps on.
func (b *Builder) network(ctx context.Context, app string) (string, error) {
	if b.opts.Network != "" || b.opts.NetworkFor == nil {
		return b.opts.Network, nil
	}
	name, err := b.opts.NetworkFor(ctx, app)
	if err != nil {
		var he *hint.Error
		if errors.As(err, &he) {
			return "", err // e.g. NETWORK_NO_SUBNET, with its own hint
		}
		return "", ErrEngine.With("build: the app's network cannot be made", err)
	}
	return name, nil
}

// RemoveImage removes an image by tag or ID, and its untagged parents no
// other image uses. An image that is not there is no error.
func (b *Builder) RemoveImage(ctx context.Context, ref string) error {
	_, err := b.engine.ImageRemove(ctx, ref, client.ImageRemoveOptions{PruneChildren: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove image %s: %w", ref, err)
	}
	return nil
}

// ImageExists reports whether the engine has the image (by tag or ID).
func (b *Builder) ImageExists(ctx context.Context, ref string) bool {
	_, err := b.engine.ImageInspect(ctx, ref)
	return err == nil
}

// labels are the image labels of a request, over the operator's extras.
func (r Request) labels(extra map[string]string) map[string]string {
	l := maps.Clone(extra)
	if l == nil {
		l = map[string]string{}
	}
	l[LabelApp] = r.App
	l[LabelOwner] = r.Owner
	l[LabelRelease] = strconv.Itoa(r.Release)
	return l
}
