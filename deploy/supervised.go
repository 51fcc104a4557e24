package deploy

import (
	"strconv"
	"time"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/supervisor"
	"github.com/botrunner/botrunner/store"
)

// The supervisor's side of the deploy: Deploy is its Hooks (crashes,
// restarts and the run-time limit go to the app's log and the store), and
// it tells the supervisor which bots an operator stopped before it runs.

var _ supervisor.Hooks = (*Engine)(nil)

// SetSupervisor connects the supervisor, which is made after the deploy
// because the deploy is its Hooks. Call it before serving.
func (d *Engine) SetSupervisor(s Supervisor) { d.cfg.Supervisor = s }

// HoldStopped tells the supervisor, before it adopts containers, which
// apps' bots were stopped on purpose (by an operator or the run-time
// limit), so a restarted gitd does not restart them.
func (d *Engine) HoldStopped(apps []store.App) {
	if d.cfg.Supervisor == nil {
		return
	}
	for _, a := range apps {
		if a.Stopped != "" {
			d.cfg.Supervisor.Stopped(a.Name, a.Stopped)
		}
	}
}

// Crashed records a crash and the restart to come.
func (d *Engine) Crashed(app string, release, exit int, oom bool, next time.Time) {
	why := "exited with code " + strconv.Itoa(exit)
	if oom {
		why = "was killed: out of memory (code " + strconv.Itoa(exit) + ")"
	}
	d.gitdLine(app, release, "v%d %s; restarting in %s", release, why, time.Until(next).Round(time.Second))
}

// Restarted records a crash restart and follows the container's output
// again (its stream ended when it died).
func (d *Engine) Restarted(app string, release int) {
	d.gitdLine(app, release, "v%d restarted after a crash", release)
	if d.cfg.Supervisor != nil {
		if id := d.cfg.Supervisor.State(app).ContainerID; id != "" {
			d.logs.attach(app, release, id, d.lastLogTime(app, release))
		}
	}
}

// Running follows a running bot container's output again unless that is
// under way: the supervisor names each running container after every
// (re)subscription to engine events, so at gitd start (adoption) and after
// an engine restart, which ends log streams but, with live-restore, not
// the containers.
func (d *Engine) Running(app string, release int, id string) {
	if !d.logs.following(id) {
		d.logs.attach(app, release, id, d.lastLogTime(app, release))
	}
}

// TimedOut records that the run-time limit stopped the bot, in the store
// too, so that it stays stopped across gitd restarts until `start`.
func (d *Engine) TimedOut(app string, release int) {
	if err := d.store.SetStopped(app, StoppedByLimit); err != nil {
		d.log.Error("record run-time limit stop", "app", app, "err", err)
	}
	d.gitdLine(app, release, "v%d stopped: it reached the run-time limit; `start` begins a new period", release)
}

func releaseOf(c runtime.State) int {
	n, _ := strconv.Atoi(c.Labels[runtime.LabelRelease])
	return n
}
