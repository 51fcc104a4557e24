package supervisor

import (
	"context"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// reconcile looks at app's containers and acts on what changed. A failed
// list is only logged: the next event or resync looks again.
func (s *Supervisor) reconcile(ctx context.Context, name string) {
	cs, err := s.d.List(ctx, s.labels(name))
	if err != nil {
		s.log.Warn("list containers", "app", name, "err", err)
		return
	}
	s.observe(name, cs)
}

// crash is what Hooks.Crashed is told.
type crash struct {
	release, exit, crashes int
	oom                    bool
	next                   time.Time
}

// observe updates the app's record from its containers: a run seen for
// the first time arms the run-time limit, an exit not accounted for yet
// is a crash unless the app is held.
func (s *Supervisor) observe(name string, cs []runtime.State) {
	cur, ok := Current(cs)
	s.mu.Lock()
	a := s.appLocked(name)
	if !ok {
		a.cid, a.release, a.running = "", 0, false
		s.mu.Unlock()
		return
	}
	a.cid, a.release = cur.ID, releaseOf(cur)
	if cur.Running {
		s.runningLocked(a, cur)
		s.mu.Unlock()
		return
	}
	a.running = false
	c, crashed := s.exitedLocked(a, cur)
	s.mu.Unlock()
	if crashed {
		s.log.Warn("bot crashed", "app", name, "release", c.release, "exit_code", c.exit, "oom", c.oom,
			"crashes", c.crashes, "restart_in", c.next.Sub(s.clock.Now()))
		s.hooks.Crashed(name, c.release, c.exit, c.oom, c.next)
	}
}

// runningLocked: cur runs. A restart still pending is moot (someone
// started it); the run-time clock starts at the container's start if the
// period has none yet (adoption: a gitd restart does not extend the limit).
func (s *Supervisor) runningLocked(a *app, cur runtime.State) {
	a.running, a.live = true, true
	if a.restartTimer != nil {
		s.cancelRestartLocked(a)
	}
	if a.periodStart.IsZero() {
		a.periodStart = cur.StartedAt
	}
	if !a.held() {
		s.armLimitLocked(a)
	}
}

// exitedLocked: cur has exited. Each exit is accounted for once.
func (s *Supervisor) exitedLocked(a *app, cur runtime.State) (crash, bool) {
	key := exitKey{cur.ID, cur.FinishedAt}
	if a.handled == key {
		return crash{}, false
	}
	a.handled = key
	a.lastExit, a.oom = cur.ExitCode, cur.OOMKilled
	switch {
	case a.held(): // a stop by an operator, a deploy or the limit
		return crash{}, false
	case cur.ExitCode == 0 && !cur.OOMKilled && !a.live: // found so (adoption): not a run we watched
		a.reason = "exited with code 0"
		return crash{}, false
	}
	if cur.FinishedAt.Sub(cur.StartedAt) >= s.p.ResetAfter {
		a.failures = 0
	}
	a.failures++
	a.crashes++
	a.reason = exitReason(cur)
	s.scheduleRestartLocked(a, Backoff(s.p, a.failures))
	return crash{release: a.release, exit: cur.ExitCode, crashes: a.crashes, oom: cur.OOMKilled, next: a.next}, true
}

func (s *Supervisor) scheduleRestartLocked(a *app, delay time.Duration) {
	s.cancelRestartLocked(a)
	a.next = s.clock.Now().Add(delay)
	name, seq := a.name, a.restartSeq
	a.restartTimer = s.clock.AfterFunc(delay, func() { s.enqueue(op{kind: opRestart, app: name, seq: seq}) })
}

func (s *Supervisor) cancelRestartLocked(a *app) {
	if a.restartTimer != nil {
		a.restartTimer.Stop()
		a.restartTimer = nil
	}
	a.restartSeq++
	a.next = time.Time{}
}

// armLimitLocked sets the run-time limit's timer for the period, once.
func (s *Supervisor) armLimitLocked(a *app) {
	if s.p.MaxRuntime <= 0 || a.limitTimer != nil {
		return
	}
	a.deadline = a.periodStart.Add(s.p.MaxRuntime)
	name, seq := a.name, a.limitSeq
	a.limitTimer = s.clock.AfterFunc(a.deadline.Sub(s.clock.Now()), func() { s.enqueue(op{kind: opLimit, app: name, seq: seq}) })
}

func (s *Supervisor) cancelLimitLocked(a *app) {
	if a.limitTimer != nil {
		a.limitTimer.Stop()
		a.limitTimer = nil
	}
	a.limitSeq++
	a.deadline = time.Time{}
}

// appLocked returns the app's record, made on first use.
func (s *Supervisor) appLocked(name string) *app {
	a, ok := s.apps[name]
	if !ok {
		a = &app{name: name}
		s.apps[name] = a
	}
	return a
}
