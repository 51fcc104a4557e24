package supervisor

// State reports what the supervisor knows of app; an app it has never seen
// is the zero State with App set.
func (s *Supervisor) State(app string) State {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[app]; ok {
		return a.state()
	}
	return State{App: app}
}

// Stopped holds app: gitd (by = "operator", "deploy", "destroy", …; ""
// means "operator") is about to stop its containers, or has. Until Started,
// no exit of the app is a crash and nothing is restarted; a pending
// restart is cancelled, and so is the run-time limit. Call it BEFORE the
// stop: once Stopped returns, no restart is under way or will begin.
// It may be called before Run (gitd re-declares the apps its store says are
// stopped, so that adoption leaves them alone).
func (s *Supervisor) Stopped(app, by string) {
	if by == "" {
		by = "operator"
	}
	a := s.get(app)
	a.act.Lock() // wait out a restart under way
	defer a.act.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	a.stoppedBy = by
	s.cancelRestartLocked(a)
	s.cancelLimitLocked(a)
	a.reason = "stopped by " + by
}

// Started begins a new run period for app: call it AFTER gitd has started
// the container that is to run (a deploy's new release once its start
// check passed, the previous release a failed deploy started again, an
// operator's start or restart). It clears Stopped and TimedOut, the crash
// counts and the run-time clock (the limit counts from now). The app's
// current container is then the running one, or else the one started
// last: if that one has exited already, that is a crash.
func (s *Supervisor) Started(app string) {
	a := s.get(app)
	a.act.Lock()
	s.mu.Lock()
	a.stoppedBy, a.timedOut, a.reason = "", false, ""
	a.crashes, a.failures = 0, 0
	a.handled, a.live = exitKey{}, true
	s.cancelRestartLocked(a)
	s.cancelLimitLocked(a)
	a.periodStart = s.clock.Now()
	s.armLimitLocked(a)
	s.mu.Unlock()
	a.act.Unlock()
	s.enqueue(op{kind: opReconcile, app: app})
}

// Forget drops what the supervisor knows of app, e.g. after apps:destroy
// (hold it with Stopped first, remove its containers, then Forget it).
func (s *Supervisor) Forget(app string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[app]; ok {
		s.cancelRestartLocked(a)
		s.cancelLimitLocked(a)
		delete(s.apps, app)
	}
}

func (s *Supervisor) get(app string) *app {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appLocked(app)
}
