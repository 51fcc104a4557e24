package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/internal/cleanup"
	"github.com/botrunner/botrunner/internal/logging"
	"github.com/botrunner/botrunner/internal/testhold"
	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/store"
)

// checkoutPrefix names the temp dirs builds check trees out into; the
// reconcile at start removes ones a stopped gitd left.
const checkoutPrefix = "botrunner-checkout-"

// Builder is what the pipeline needs of package build.
type Builder interface {
	Detect(dir string, s build.Settings) (name, detail string, err error)
	Build(ctx context.Context, r build.Request) (build.Result, error)
	RemoveImage(ctx context.Context, ref string) error
	ImageExists(ctx context.Context, ref string) bool
	RemoveCache(ctx context.Context, owner, app string) error // build caches kept per app (buildpack)
}

// Store is what the pipeline needs of package store.
type Store interface {
	App(name string) (store.App, error)
	AddRelease(r store.Release) (store.Release, error)
	UpdateRelease(r store.Release) error
	SetCurrentRelease(app string, n int) error
	AcceptRelease(app string, n int) error // deployed and current, in one transaction
	Releases(app string) ([]store.Release, error)
	Release(app string, n int) (store.Release, error)
	Config(app string) (map[string]string, error)
	SetConfig(app string, set map[string]string, unset []string) (map[string]string, error)
	SetStopped(app, by string) error
}

// Config is how bots run.
type Config struct {
	Limits     runtime.Limits
	User       string        // uid:gid bots run as; default 10001:10001
	StartCheck time.Duration // default 5 s; an app's setting wins
	Env        []string      // KEY=VALUE every bot gets (GITD_BOT_ENV)
	Checkout   Limits
	TmpDir     string  // where checkouts go; default os.TempDir()
	Logs       LogSink // nil = no logs kept
	Puller     Puller  // image mode (deploy:image); nil = not offered
	Logins     Logins  // the apps' registry logins for image mode; nil = none kept
	// Events also hears every scheduler event, after the engine has
	// recorded it (notifications to people); nil = nobody else.
	Events scheduler.Handler
}

// Engine is the pipeline that builds and runs pushed bots.
type Engine struct {
	cfg     Config
	store   Store
	builder Builder
	sched   scheduler.Scheduler
	repos   Repos
	log     *slog.Logger

	mu      sync.Mutex
	state   map[string]Phase    // apps with a deploy in progress
	pending map[string]*started // pushed releases that run but wait for the push to commit
	logs    *collector
}

// Repos is what the engine needs of the apps' repositories
// (repostore.Store): the app's lock, which pushes hold too, so that
// operator actions never interleave with a push; refs; and trees, for
// rebuilds.
type Repos interface {
	Lock(ctx context.Context, app string, onWait func()) (func(), error)
	RefReader
	Tree(app, commit string) (*object.Tree, error)
}

// New wires the pipeline: bots run on sched, the apps' repositories are
// repos.
func New(cfg Config, st Store, b Builder, sched scheduler.Scheduler, repos Repos, log *slog.Logger) *Engine {
	if cfg.User == "" {
		cfg.User = "10001:10001"
	}
	if cfg.StartCheck <= 0 {
		cfg.StartCheck = 5 * time.Second
	}
	log = logging.Component(log, "deploy")
	return &Engine{cfg: cfg, store: st, builder: b, sched: sched, repos: repos, log: log, state: map[string]Phase{},
		pending: map[string]*started{}, logs: &collector{sched: sched, sink: cfg.Logs, log: log, on: map[string]bool{}}}
}

// buildRelease checks tree out, builds it, records release meta (commit,
// ref, tag, pusher) as a new release with the app's current config, and
// swaps it in, not yet accepted.
func (d *Engine) buildRelease(ctx context.Context, app store.App, tree *object.Tree, meta store.Release, out io.Writer) (*started, error) {
	start := time.Now()
	d.setPhase(app.Name, PhaseBuilding)
	dir, err := os.MkdirTemp(d.cfg.TmpDir, checkoutPrefix)
	if err != nil {
		return nil, ErrDeployFailed.With("deploy failed: no temp dir", err)
	}
	defer os.RemoveAll(dir)
	if err := Checkout(tree, dir, d.cfg.Checkout); err != nil {
		return nil, err
	}
	bs := build.Settings{Entrypoint: app.Settings.Entrypoint, Strategy: app.Settings.Builder}
	strategy, detail, err := d.builder.Detect(dir, bs)
	if err != nil {
		return nil, err
	}
	cfg, err := d.store.Config(app.Name)
	if err != nil {
		return nil, ErrDeployFailed.With("deploy failed: read config", err)
	}
	meta.Strategy, meta.Status, meta.Config = strategy, store.ReleaseBuilding, cfg
	rel, err := d.store.AddRelease(meta)
	if err != nil {
		return nil, ErrDeployFailed.With("deploy failed: record release", err)
	}
	testhold.At("build", app.Name)
	step(out, "%s: building v%d (%s: %s)", app.Name, rel.Number, strategy, detail)
	res, err := d.runBuild(ctx, app, rel, build.Request{App: app.Name, Owner: app.Owner, Release: rel.Number,
		Dir: dir, Settings: bs}, out)
	if err != nil {
		return nil, d.failed(rel, buildError(err))
	}
	if res.DepsCached {
		step(out, "deps layer cached (requirements.txt unchanged)")
	}
	rel.Image, rel.ImageTag = res.Image, res.Tag
	return d.startRelease(ctx, app, rel, out, start, true)
}

// runBuild builds with the output going to the pusher and into the app's
// build log, with the app's config values redacted from both (builds never
// get them, but a Dockerfile could still print a value someone pasted).
func (d *Engine) runBuild(ctx context.Context, app store.App, rel store.Release, req build.Request, out io.Writer) (build.Result, error) {
	var buildLog bytes.Buffer
	red := logstore.NewRedactor(io.MultiWriter(out, &buildLog), values(rel.Config))
	req.Output = red
	res, err := d.builder.Build(ctx, req)
	if errors.Is(err, build.ErrBuildFailed) {
		fmt.Fprintf(red, "%s\n", err) // the engine's reason, for the pusher and the build log
	}
	_ = red.Close()
	if d.cfg.Logs != nil {
		if serr := d.cfg.Logs.SaveBuild(app.Name, rel.Number, buildLog.Bytes()); serr != nil {
			d.log.Warn("save build log", "app", app.Name, "release", rel.Number, "err", serr)
		}
	}
	return res, err
}

func values(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// swapIn swaps a recorded release in and accepts it at once (operator
// actions: nothing waits on a repository).
func (d *Engine) swapIn(ctx context.Context, app store.App, rel store.Release, out io.Writer, start time.Time, fresh bool) error {
	s, err := d.startRelease(ctx, app, rel, out, start, fresh)
	if err != nil {
		return err
	}
	return d.accept(s)
}

// buildError returns the short error for the ref's "ng" line (runBuild
// has shown the full one).
func buildError(err error) error {
	if !errors.Is(err, build.ErrBuildFailed) {
		return err
	}
	return &hint.Error{Code: build.ErrBuildFailed.Code, Msg: "build failed", Tip: hint.TipOf(err), Err: err}
}

func (d *Engine) failed(rel store.Release, err error) error {
	rel.Status, rel.Reason = store.ReleaseFailed, err.Error()
	if uerr := d.store.UpdateRelease(rel); uerr != nil {
		d.log.Error("record failed release", "app", rel.App, "release", rel.Number, "err", uerr)
	}
	return err
}

func (d *Engine) removeImage(ref string) {
	ctx, cancel := cleanup.Context(context.Background(), time.Minute)
	defer cancel()
	if err := d.builder.RemoveImage(ctx, ref); err != nil {
		d.log.Warn("remove image of failed release", "image", ref, "err", err)
	}
}

// step writes one "-----> " line, Heroku style.
func step(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "-----> "+format+"\n", args...)
}

func shortID(id string) string {
	if len(id) > 16 {
		return id[:16] + "…"
	}
	return id
}
