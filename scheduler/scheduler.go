package scheduler

import (
	"context"
	"io"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// Release is one release of an app, as a scheduler runs it.
type Release struct {
	App, Owner string
	Number     int    // the release number (v3 is 3); labels and names carry it
	Image      string // the image ID on gitd's engine, as built or pulled
	// ImageTag is the local tag of Image (botrunner/<app>:v<N>), or ""; a
	// scheduler whose nodes cannot see gitd's engine pushes it to its
	// registry and refers to it by digest.
	ImageTag string
	Cmd      []string // optional override of the image's CMD
	// Env is the server's environment for every bot (GITD_BOT_ENV),
	// KEY=VALUE; not secret.
	Env []string
	// Config is the release's config vars: secret (a scheduler that has
	// secrets keeps them there), and they win over Env.
	Config     map[string]string
	Limits     runtime.Limits // zero fields take runtime.DefaultLimits
	User       string         // uid:gid; root is refused (runtime.CheckUser)
	StartCheck time.Duration  // how long a new run must stay up; <= 0: 5 s
	// The network is the scheduler's choice (one of the app's own, made on
	// first use, unless the admin set a shared one): a bridge on one
	// engine, an attachable overlay on a swarm.
}

// Pending is a deploy whose new release passed the start check and runs,
// while what it replaced is kept, stopped, until the deploy engine decides.
// Exactly one of Accept and TakeBack is called, once.
type Pending interface {
	// Instance is the new run's instance (container, task, pod) ID.
	Instance() string
	// Accept makes the deploy final: what it replaced is removed.
	Accept(ctx context.Context) error
	// TakeBack undoes the deploy: the new run is removed and what ran
	// before runs again (the very same instance where the scheduler can),
	// saying so on out. Crash restarts apply to that one again.
	TakeBack(ctx context.Context, out io.Writer) error
}

// Scheduler runs the bots of one gitd. Its methods are safe for concurrent
// use, but the deploy engine calls those that change an app's bot under
// that app's lock, one at a time; a scheduler need not guard against two
// deploys of one app at once. Progress for the person who asked goes to
// out as "-----> " lines (deploy's words: stopping, starting, checking).
type Scheduler interface {
	// Deploy runs r in place of whatever runs of r.App: stop-first, then r
	// held to its start check. If r does not stay up, its run is removed,
	// the previous one runs again and the error is a *StartError; any
	// other failure (the engine, ctx ending: the pusher left) also leaves
	// the previous run running. On success the caller must Accept or
	// TakeBack the Pending.
	Deploy(ctx context.Context, r Release, out io.Writer) (Pending, error)
	// Start makes r run: nothing if r already runs (already is then true;
	// a hold by Stop or the run-time limit is lifted all the same), else a
	// new run of r as Deploy makes it, accepted at once.
	Start(ctx context.Context, r Release, out io.Writer) (already bool, err error)
	// Restart runs r anew even if it runs (stop-first, the start check,
	// the previous run back on failure), accepted at once.
	Restart(ctx context.Context, r Release, out io.Writer) error
	// Stop stops the app's bot (SIGTERM, the grace, SIGKILL) and holds it:
	// no crash restart, until Start, Restart or Deploy. by says who
	// ("operator", "deploy", …); it is what Status.StoppedBy reports. A bot
	// that does not run is no error (stopped is then false).
	Stop(ctx context.Context, app, by string, out io.Writer) (stopped bool, err error)
	// Status reports the app's runs and what the scheduler knows of its
	// crashes; an app with no run is a Status with no Instances.
	Status(ctx context.Context, app string) (Status, error)
	// Logs returns the output (stdout and stderr, as text lines) of one
	// run of the app: o.Instance, or the current one when "". ErrNotFound
	// when there is none.
	Logs(ctx context.Context, app string, o LogOptions) (io.ReadCloser, error)
	// Remove stops and removes everything the app has on the scheduler
	// (runs, its own network, copies of images) and forgets it. A bot that
	// does not stop in time is removed by force.
	Remove(ctx context.Context, app string) error
	// List returns every bot of this gitd, for adoption and for finding
	// bots of apps gitd no longer has.
	List(ctx context.Context) ([]Bot, error)
	// Converge makes r the app's one release without a start check (gitd's
	// start: deploy.Engine.Reconcile). Runs of any other release are
	// removed; r is started when run is set and it does not run (its own
	// stopped run if it has one, else a new one). A nil r removes every run
	// of the app but keeps the app (Remove forgets it).
	Converge(ctx context.Context, app string, r *Release, run bool) error
	// DropImage says the deploy engine no longer keeps the release image
	// tagged ref (the release image GC): a scheduler that copied it
	// elsewhere (a registry) deletes the copy. The local image is the
	// engine's to remove.
	DropImage(ctx context.Context, ref string) error
	// Run keeps the bots running until ctx ends: it adopts the bots List
	// finds, restarts crashed ones with backoff, enforces the run-time
	// limit and tells h what happened (Event). held names the apps
	// stopped on purpose (app -> by whom, from the store), which adoption
	// leaves stopped. Call it once, after Converge and before serving.
	Run(ctx context.Context, held map[string]string, h Handler) error
}

// Instance is one run of a bot: a container, a swarm task, a pod.
type Instance struct {
	ID         string
	Release    int
	Image      string
	Running    bool
	StartedAt  time.Time // zero: never started
	FinishedAt time.Time
	ExitCode   int  // of the last run; 137 after SIGKILL, 143 if SIGTERM ended it
	OOMKilled  bool // the last run was killed by the OOM killer
}

// Status is what a scheduler knows of one app's bot.
type Status struct {
	App       string
	Instances []Instance // newest release first; none: nothing of the app
	// Crashes counts the crashes in this run period (since a deploy,
	// start or adoption); NextRestart is when a crash restart is due
	// (zero: none pending).
	Crashes     int
	NextRestart time.Time
	TimedOut    bool   // the run-time limit stopped it
	StoppedBy   string // who holds it stopped ("" = nobody)
}

// Bot is one app's bot as List finds it.
type Bot struct {
	App       string
	Instances []Instance
}

// LogOptions selects the output Logs returns.
type LogOptions struct {
	Instance   string    // the run; "" = the current one (the running one, else the last started)
	Follow     bool      // keep streaming until the run ends or ctx does
	Tail       int       // the last N lines only; 0 = all
	Since      time.Time // lines written at or after this time; zero = all
	Timestamps bool      // prefix each line with its RFC 3339 (nano) time and a space
	// Previous asks for the run before the current one: what a bot wrote
	// before it crashed and was restarted. Not with Follow.
	Previous bool
}

// StartError is a release that did not stay up for its start check.
type StartError struct {
	Release   int
	ExitCode  int
	OOMKilled bool
	Lines     []string // its last log lines (at most 20)
}

func (e *StartError) Error() string {
	if e.OOMKilled {
		return "v" + itoa(e.Release) + " was killed (out of memory) during the start check"
	}
	return "v" + itoa(e.Release) + " exited with code " + itoa(e.ExitCode) + " during the start check"
}

// Is makes errors.Is(err, ErrStartCheck) true.
func (e *StartError) Is(target error) bool { return target == ErrStartCheck }
