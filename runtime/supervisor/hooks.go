package supervisor

import "time"

// Hooks is told what the supervisor did, so gitd can write "gitd" lines into
// the app's log and update what `status` shows. Calls come from the
// supervisor's goroutine, one at a time and with no lock held: they may
// call State, Stopped or Started, but should return quickly (a slow hook
// delays the handling of events).
type Hooks interface {
	// Crashed: a bot container exited (or was OOM-killed) on its own; a
	// restart is due at next.
	Crashed(app string, release int, exit int, oom bool, next time.Time)
	// Restarted: the supervisor started the crashed container again.
	Restarted(app string, release int)
	// TimedOut: the run-time limit is reached; the bot is being stopped and
	// stays stopped until Started.
	TimedOut(app string, release int)
	// Running: a bot container runs, as found by the list after each
	// (re)subscription to engine events, the first at Run included. What
	// followed the container may have ended while the stream was down: an
	// engine restart with live-restore ends log streams, not containers.
	Running(app string, release int, containerID string)
}

// nopHooks stands in for a nil Hooks.
type nopHooks struct{}

func (nopHooks) Crashed(string, int, int, bool, time.Time) {}
func (nopHooks) Restarted(string, int)                     {}
func (nopHooks) TimedOut(string, int)                      {}
func (nopHooks) Running(string, int, string)               {}
