package supervisor

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// State is what the supervisor knows of one app.
type State struct {
	App         string
	Release     int    // of the current container (the running one, else the last started); 0 = none
	ContainerID string // the current container
	Running     bool

	// Crashes counts the exits in this run period (since Started, or since
	// gitd adopted the app) that were not stops by gitd. Any exit of a
	// supervised run counts, code 0 included: a bot is meant to run until
	// stopped (as Heroku restarts a dyno whatever its exit). A container
	// found already exited with 0 when gitd starts is left alone.
	Crashes     int
	Failures    int       // consecutive crashes, which set the backoff; a run of ResetAfter clears them
	NextAttempt time.Time // when the pending restart is due; zero = none pending
	LastExit    int       // exit code of the current container's last run
	OOM         bool      // that run was OOM-killed
	Reason      string    // why it is not running, for people: "exited with code 3", "stopped by operator", …

	TimedOut    bool      // the run-time limit stopped it; no restarts until Started
	StoppedBy   string    // who stopped it ("operator", "deploy", …); no restarts until Started
	PeriodStart time.Time // when the run period (and its run-time clock) began
	Deadline    time.Time // when the run-time limit ends the period; zero = no limit armed
}

// app is the supervisor's record of one app. Its fields are guarded by
// Supervisor.mu; act is held by whatever acts on the app's containers on
// the supervisor's behalf (a restart) and by Stopped, so that once Stopped
// returns no restart is under way.
type app struct {
	name string
	act  sync.Mutex

	cid     string
	release int
	running bool
	live    bool    // a run was watched (or declared by Started): any exit of it is a crash
	handled exitKey // the exit already accounted for (events repeat, re-lists see it again)

	stoppedBy         string
	timedOut          bool
	crashes, failures int
	lastExit          int
	oom               bool
	reason            string

	next         time.Time
	restartTimer Timer
	restartSeq   uint64 // bumped on cancel: a timer that fired meanwhile is stale
	periodStart  time.Time
	deadline     time.Time
	limitTimer   Timer
	limitSeq     uint64
}

// exitKey names one run's end.
type exitKey struct {
	id string
	at time.Time
}

// held: something other than a crash stopped the app; it is not restarted.
func (a *app) held() bool { return a.stoppedBy != "" || a.timedOut }

func (a *app) state() State {
	return State{
		App: a.name, Release: a.release, ContainerID: a.cid, Running: a.running,
		Crashes: a.crashes, Failures: a.failures, NextAttempt: a.next,
		LastExit: a.lastExit, OOM: a.oom, Reason: a.reason,
		TimedOut: a.timedOut, StoppedBy: a.stoppedBy, PeriodStart: a.periodStart, Deadline: a.deadline,
	}
}

// Current picks the container that stands for an app: the running one
// (the newest if several), else the one started last. Never-started
// containers do not count (a deploy's, before its Start).
func Current(cs []runtime.State) (runtime.State, bool) {
	var best runtime.State
	found := false
	for _, c := range cs {
		if !c.Running && c.StartedAt.IsZero() {
			continue
		}
		if !found || c.Running && !best.Running || c.Running == best.Running && c.StartedAt.After(best.StartedAt) {
			best, found = c, true
		}
	}
	return best, found
}

func releaseOf(c runtime.State) int {
	n, _ := strconv.Atoi(c.Labels[runtime.LabelRelease])
	return n
}

func exitReason(c runtime.State) string {
	switch {
	case c.OOMKilled:
		return fmt.Sprintf("killed: out of memory (exit code %d)", c.ExitCode)
	case c.ExitCode == 0:
		return "exited with code 0 (a bot should run until stopped, so it is restarted)"
	}
	return fmt.Sprintf("exited with code %d", c.ExitCode)
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
