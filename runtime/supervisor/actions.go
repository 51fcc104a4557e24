package supervisor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// limitRetry is how soon a failed stop for the run-time limit is retried.
const limitRetry = 5 * time.Second

// restart starts the crashed container again, if it is still due.
func (s *Supervisor) restart(ctx context.Context, name string, seq uint64) {
	s.mu.Lock()
	a := s.apps[name]
	s.mu.Unlock()
	if a == nil {
		return
	}
	if rel, ok := s.restartHeld(ctx, a, seq); ok {
		s.log.Info("bot restarted after a crash", "app", name, "release", rel)
		s.hooks.Restarted(name, rel)
	}
}

// restartHeld does restart's work holding a.act: a Stopped meanwhile waits
// until the Start is over, so a deploy's list after its Stopped sees it.
// The container is started only if it is still the app's current one and
// nothing of the app runs: two copies of a bot must never poll together.
func (s *Supervisor) restartHeld(ctx context.Context, a *app, seq uint64) (int, bool) {
	a.act.Lock()
	defer a.act.Unlock()
	s.mu.Lock()
	due, target := a.restartSeq == seq && !a.held(), a.cid
	if due {
		a.restartTimer, a.next = nil, time.Time{}
	}
	s.mu.Unlock()
	if !due {
		return 0, false
	}
	cs, err := s.d.List(ctx, s.labels(a.name))
	if err != nil {
		s.retry(a, fmt.Errorf("list containers: %w", err))
		return 0, false
	}
	if cur, ok := Current(cs); !ok || cur.ID != target || cur.Running {
		s.log.Info("restart not needed: the app's container changed", "app", a.name)
		return 0, false
	}
	if err := s.d.Start(ctx, target); err != nil {
		if !errors.Is(err, runtime.ErrNotFound) && s.base.Err() == nil { // gone, or Run is ending: no retry
			s.retry(a, err)
		}
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a.running = true
	return a.release, true
}

// retry schedules another restart after a failed one, one backoff step on.
func (s *Supervisor) retry(a *app, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a.failures++
	a.reason = fmt.Sprintf("restart failed: %v", err)
	s.scheduleRestartLocked(a, Backoff(s.p, a.failures))
	s.log.Error("restart failed", "app", a.name, "err", err, "retry_in", Backoff(s.p, a.failures))
}

// limit ends the run period: the app is marked timed out (so its exit is
// no crash) before it is stopped.
func (s *Supervisor) limit(ctx context.Context, name string, seq uint64) {
	s.mu.Lock()
	a := s.apps[name]
	if a == nil || a.limitSeq != seq || a.held() {
		s.mu.Unlock()
		return
	}
	a.limitTimer = nil
	a.timedOut = true
	s.cancelRestartLocked(a)
	a.reason = fmt.Sprintf("run-time limit of %s reached", s.p.MaxRuntime)
	rel := a.release
	s.mu.Unlock()
	s.log.Info("run-time limit reached; stopping the bot", "app", name, "release", rel, "limit", s.p.MaxRuntime)
	s.hooks.TimedOut(name, rel)
	s.stopAll(ctx, name)
}

// stopAll stops the running containers of a timed-out app, in the
// background (a stop takes up to StopGrace). A failed list is retried.
func (s *Supervisor) stopAll(ctx context.Context, name string) {
	s.mu.Lock()
	a := s.apps[name]
	timedOut := a != nil && a.timedOut
	s.mu.Unlock()
	if !timedOut {
		return // Started since
	}
	cs, err := s.d.List(ctx, s.labels(name))
	if err != nil {
		s.log.Error("list containers to stop", "app", name, "err", err, "retry_in", limitRetry)
		s.clock.AfterFunc(limitRetry, func() { s.enqueue(op{kind: opStopAll, app: name}) })
		return
	}
	for _, c := range cs {
		if !c.Running {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			ctx, cancel := context.WithTimeout(s.base, s.p.StopGrace+engineTimeout)
			defer cancel()
			if err := s.d.Stop(ctx, c.ID, s.p.StopGrace); err != nil && !errors.Is(err, runtime.ErrNotFound) {
				s.log.Error("stop at the run-time limit", "app", name, "container", short(c.ID), "err", err)
			}
		}()
	}
}
