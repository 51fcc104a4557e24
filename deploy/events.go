package deploy

import (
	"context"
	"strconv"
	"time"

	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/store"
)

// The scheduler's side of the deploy: the Engine is the Handler of its
// events (crashes, restarts and the run-time limit go to the app's log and
// the store; running bots have their output followed).

var _ scheduler.Handler = (*Engine)(nil)

// Watch keeps the bots running until ctx ends (scheduler.Scheduler.Run),
// with the apps stopped on purpose (by an operator or the run-time limit)
// held, so a restarted gitd does not restart them. Call it after
// Reconcile and before serving.
func (d *Engine) Watch(ctx context.Context, apps []store.App) error {
	held := map[string]string{}
	for _, a := range apps {
		if a.Stopped != "" {
			held[a.Name] = a.Stopped
		}
	}
	return d.sched.Run(ctx, held, d)
}

// BotEvent records what the scheduler did.
func (d *Engine) BotEvent(e scheduler.Event) {
	switch e.Kind {
	case scheduler.EventExited:
		d.crashed(e.App, e.Release, e.ExitCode, e.OOMKilled, e.NextRestart)
	case scheduler.EventStarted:
		d.restarted(e.App, e.Release, e.Instance)
	case scheduler.EventRunning:
		d.runningFound(e.App, e.Release, e.Instance)
	case scheduler.EventTimedOut:
		d.timedOut(e.App, e.Release)
	}
	if d.cfg.Events == nil {
		return
	}
	if e.Kind == scheduler.EventExited && e.Instance != "" {
		// A crash notice quotes the bot's last lines: they are handed on
		// once the dead run's output is all in the log (or after
		// drainWait), without holding up the scheduler's events.
		go func() {
			d.logs.drained(e.Instance, drainWait)
			d.cfg.Events.BotEvent(e)
		}()
		return
	}
	d.cfg.Events.BotEvent(e)
}

// drainWait bounds the wait for a dead run's last lines before its crash
// is handed on.
const drainWait = 3 * time.Second

// crashed records a crash and the restart to come.
func (d *Engine) crashed(app string, release, exit int, oom bool, next time.Time) {
	why := "exited with code " + strconv.Itoa(exit)
	if oom {
		why = "was killed: out of memory (code " + strconv.Itoa(exit) + ")"
	}
	d.gitdLine(app, release, "v%d %s; restarting in %s", release, why, time.Until(next).Round(time.Second))
}

// restarted records a crash restart and follows the bot's output again
// (its stream ended when it died).
func (d *Engine) restarted(app string, release int, instance string) {
	d.gitdLine(app, release, "v%d restarted after a crash", release)
	if instance != "" {
		d.logs.attach(app, release, instance, d.lastLogTime(app, release))
	}
}

// runningFound follows a running bot's output again unless that is under
// way: the scheduler names each running bot after every (re)connection to
// its engine, so at gitd start (adoption) and after an engine restart,
// which ends log streams but, with live-restore, not the containers.
func (d *Engine) runningFound(app string, release int, instance string) {
	if !d.logs.following(instance) {
		d.logs.attach(app, release, instance, d.lastLogTime(app, release))
	}
}

// timedOut records that the run-time limit stopped the bot, in the store
// too, so that it stays stopped across gitd restarts until `start`.
func (d *Engine) timedOut(app string, release int) {
	if err := d.store.SetStopped(app, StoppedByLimit); err != nil {
		d.log.Error("record run-time limit stop", "app", app, "err", err)
	}
	d.gitdLine(app, release, "v%d stopped: it reached the run-time limit; `start` begins a new period", release)
}
