package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/store"
)

// Status is what `status <app>` and `apps` show about a bot.
type Status struct {
	State    string // new building pulling starting running stopped crashed failed timeout
	Since    time.Time
	Release  int    // the release the state is about; 0 = none
	Image    string // its image
	Reason   string // why it is not running: exit code, OOM kill, failed deploy
	ExitCode int
	Limits   runtime.Limits
	// NextAttempt is when the scheduler restarts a crashed bot; zero = none.
	NextAttempt time.Time
	Crashes     int // crashes in this run period
	// LogTrouble says what keeps the bot's output from its log (a stream
	// that cannot be followed, lines the log store refused); "" = nothing.
	LogTrouble string
}

// AppStatus derives the app's state from the deploy in progress, its
// bot's runs and its last release.
func (d *Engine) AppStatus(ctx context.Context, app store.App) (Status, error) {
	s := Status{Limits: d.cfg.Limits, Release: app.Current}
	if ph := d.PhaseOf(app.Name); ph != "" {
		s.State = string(ph)
	}
	bot, err := d.sched.Status(ctx, app.Name)
	if err != nil {
		return s, fmt.Errorf("status %s: %w", app.Name, err)
	}
	if c, ok := pickInstance(bot.Instances, app.Current); ok {
		instanceState(&s, c)
		supervisedState(&s, app, bot)
		s.LogTrouble = d.logs.troubleOf(app.Name)
		return s, nil
	}
	if s.State == "" && app.Current > 0 {
		// A scheduler may keep no run of a stopped bot (Swarm deletes the
		// task of a service scaled to 0): it is stopped, and what the
		// scheduler and the store know says why (a stop, the run-time limit).
		s.State, s.Reason = "stopped", fmt.Sprintf("no run of v%d is left", app.Current)
		supervisedState(&s, app, bot)
		return s, nil
	}
	rels, err := d.store.Releases(app.Name)
	if err != nil {
		return s, err
	}
	if s.State == "" {
		s.State, s.Reason = "new", "not deployed yet"
		if n := len(rels); n > 0 && rels[n-1].Status == store.ReleaseFailed {
			last := rels[n-1]
			s.State, s.Release, s.Since, s.Reason = "failed", last.Number, last.Created, last.Reason
		}
	}
	return s, nil
}

// pickInstance prefers the run of the current release, else the newest
// one (a deploy in progress).
func pickInstance(cs []scheduler.Instance, current int) (scheduler.Instance, bool) {
	var best scheduler.Instance
	bestN := -1
	for _, c := range cs {
		n := c.Release
		if n == current {
			return c, true
		}
		if n > bestN {
			best, bestN = c, n
		}
	}
	return best, bestN >= 0
}

// supervisedState adds what the scheduler knows to a stopped bot's state:
// a pending restart, the run-time limit, who stopped it.
func supervisedState(s *Status, app store.App, st scheduler.Status) {
	s.Crashes = st.Crashes
	if s.State == "running" || s.State == string(PhaseBuilding) || s.State == string(PhasePulling) ||
		s.State == string(PhaseStarting) {
		return
	}
	switch {
	case st.TimedOut || app.Stopped == StoppedByLimit:
		s.State, s.Reason = "timeout", "stopped by the run-time limit (GITD_MAX_RUNTIME); `start` begins a new period"
	case app.Stopped != "":
		s.State, s.Reason = "stopped", "stopped by "+app.Stopped
	case !st.NextRestart.IsZero():
		s.State, s.NextAttempt = "crashed", st.NextRestart
	}
}

// StoppedByLimit is who stopped a bot that reached the run-time limit.
const StoppedByLimit = "run-time limit"

func instanceState(s *Status, c scheduler.Instance) {
	s.Release = c.Release
	s.Image = c.Image
	if s.State != "" {
		return // a deploy in progress says more than the container
	}
	switch {
	case c.Running:
		s.State, s.Since = "running", c.StartedAt
	case c.OOMKilled:
		s.State, s.Since, s.ExitCode, s.Reason = "crashed", c.FinishedAt, c.ExitCode, "killed: out of memory"
	case c.ExitCode != 0:
		s.State, s.Since, s.ExitCode = "crashed", c.FinishedAt, c.ExitCode
		s.Reason = fmt.Sprintf("exited with code %d", c.ExitCode)
	default:
		s.State, s.Since, s.Reason = "stopped", c.FinishedAt, "exited with code 0"
	}
}
