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

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/internal/testhold"
	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/runtime"
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

// BotGateway is what starting a bot needs of the Bot API gateway
// (botwatch.Watcher).
type BotGateway interface {
	// Env is what a bot of app gets in its env for the gateway
	// (TELEGRAM_API=…); nil when the app does not use it.
	Env(app store.App) []string
	// Ready yields once rel's bot called getUpdates after since (nil), or
	// why it will not; a nil channel when the app does not use the gateway.
	Ready(ctx context.Context, app store.App, rel store.Release, since time.Time) <-chan error
}

// Config is how bots run.
type Config struct {
	Limits     runtime.Limits
	Network    string        // shared by all bots; "" = a network per app (AppNetwork)
	User       string        // uid:gid bots run as; default 10001:10001
	StartCheck time.Duration // default 10 s (real frameworks start in seconds); an app's setting wins
	StopGrace  time.Duration // default 10 s
	Env        []string      // KEY=VALUE every bot gets (GITD_BOT_ENV)
	Checkout   Limits
	TmpDir     string // where checkouts go; default os.TempDir()
	Lock       Locker // the app's push lock, for operator actions; nil = none (tests)
	Trees      TreeReader
	Supervisor Supervisor // nil = nobody restarts crashed bots
	Logs       LogSink    // nil = no logs kept
	Puller     Puller     // image mode (deploy:image); nil = not offered
	Logins     Logins     // the apps' registry logins for image mode; nil = none kept
	// Gateway is the Bot API gateway for apps with telegram=gateway; nil =
	// none (their start check is the fixed time).
	Gateway BotGateway
	// Instance labels this gitd's containers (runtime.LabelInstance); every
	// lookup is limited to them. "" = no label (tests with their own engine).
	Instance string
}

// Engine is the pipeline that builds and runs pushed bots.
type Engine struct {
	cfg     Config
	store   Store
	builder Builder
	rt      runtime.Driver
	refs    RefReader
	log     *slog.Logger

	mu      sync.Mutex
	state   map[string]Phase    // apps with a deploy in progress
	pending map[string]*started // pushed releases that run but wait for the push to commit
	logs    *collector
}

var _ receive.Pipeline = (*Engine)(nil)

// New wires the pipeline.
func New(cfg Config, st Store, b Builder, rt runtime.Driver, refs RefReader, log *slog.Logger) *Engine {
	if cfg.User == "" {
		cfg.User = "10001:10001"
	}
	if cfg.StartCheck <= 0 {
		cfg.StartCheck = 10 * time.Second
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = 10 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "deploy")
	return &Engine{cfg: cfg, store: st, builder: b, rt: rt, refs: refs, log: log, state: map[string]Phase{},
		pending: map[string]*started{}, logs: &collector{rt: rt, sink: cfg.Logs, log: log, on: map[string]bool{}}}
}

// Run deploys the push's deploy ref, if it has one, and notes what it only
// stores. Its error rejects the whole push.
func (d *Engine) Run(ctx context.Context, p *receive.Push) error {
	app, err := d.store.App(p.App)
	if err != nil {
		return err
	}
	pl := planPush(p, app.Settings, d.refs)
	for _, u := range pl.stored {
		why := "only the deploy branch and tags deploy"
		if u.Name.IsTag() {
			why = "tag deploys are off for this app"
		}
		step(p.Progress, "%s: stored %s at %s (not deployed: %s)", p.App, u.Name.Short(), u.New.String()[:7], why)
	}
	if pl.gone != nil {
		step(p.Progress, "%s: deleted %s, its deploy branch; the running bot stays as it is", p.App, pl.gone.Name.Short())
	}
	if pl.deploy == nil {
		return nil
	}
	if pl.along != nil {
		step(p.Progress, "%s: %s moves to %s with tag %s, which deploys", p.App, pl.along.Name.Short(),
			pl.along.New.String()[:7], pl.deploy.Name.Short())
	}
	defer d.setPhase(p.App, "")
	return d.deploy(ctx, app, p, *pl.deploy)
}

// deploy builds and runs one pushed update.
func (d *Engine) deploy(ctx context.Context, app store.App, p *receive.Push, u receive.Command) error {
	tree, err := p.Tree(u.New)
	if err != nil {
		return ErrDeployFailed.With("deploy failed: read the pushed tree", err)
	}
	s, err := d.buildRelease(ctx, app, tree, store.Release{App: app.Name, Commit: commitOf(p, u.New).String(),
		Ref: u.Name.String(), Tag: tagName(u), Pusher: p.Pusher}, p.Progress)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.pending[app.Name] = s // accepted or taken back in Committed
	d.mu.Unlock()
	return nil
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
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := d.builder.RemoveImage(ctx, ref); err != nil {
		d.log.Warn("remove image of failed release", "image", ref, "err", err)
	}
}

// commitOf peels an annotated tag (what `git tag -a` pushes) to the commit
// it names: a release records the commit, not the tag object.
func commitOf(p *receive.Push, h plumbing.Hash) plumbing.Hash {
	for range 10 { // tags of tags are legal; loops are not
		tag, err := object.GetTag(p.Objects, h)
		if err != nil {
			return h
		}
		h = tag.Target
	}
	return h
}

func tagName(u receive.Command) string {
	if u.Name.IsTag() {
		return u.Name.Short()
	}
	return ""
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

// scope is a label filter for this gitd's containers of app ("" = any app),
// plus extra labels.
func (d *Engine) scope(app string, extra ...string) map[string]string {
	m := map[string]string{runtime.LabelApp: app}
	if d.cfg.Instance != "" {
		m[runtime.LabelInstance] = d.cfg.Instance
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}
