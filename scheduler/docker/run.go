package docker

import (
	"context"
	"time"

	"github.com/botrunner/botrunner/scheduler"
)

// Run holds the apps stopped on purpose, then supervises until ctx ends.
func (s *Scheduler) Run(ctx context.Context, held map[string]string, h scheduler.Handler) error {
	if h != nil {
		s.h.Store(&h)
	}
	for app, by := range held {
		s.sup.Stopped(app, by)
	}
	return s.sup.Run(ctx)
}

// emit hands an event to Run's handler, if there is one yet.
func (s *Scheduler) emit(e scheduler.Event) {
	if h := s.h.Load(); h != nil {
		(*h).BotEvent(e)
	}
}

// hooks turns the supervisor's reports into Events.
type hooks struct{ s *Scheduler }

func (k hooks) Crashed(app string, release, exit int, oom bool, next time.Time) {
	st := k.s.sup.State(app)
	k.s.emit(scheduler.Event{Kind: scheduler.EventExited, App: app, Release: release,
		Instance: st.ContainerID, ExitCode: exit, OOMKilled: oom, NextRestart: next, Crashes: st.Failures})
}

func (k hooks) Restarted(app string, release int) {
	k.s.emit(scheduler.Event{Kind: scheduler.EventStarted, App: app, Release: release,
		Instance: k.s.sup.State(app).ContainerID})
}

func (k hooks) TimedOut(app string, release int) {
	k.s.emit(scheduler.Event{Kind: scheduler.EventTimedOut, App: app, Release: release,
		Instance: k.s.sup.State(app).ContainerID})
}

func (k hooks) Running(app string, release int, id string) {
	k.s.emit(scheduler.Event{Kind: scheduler.EventRunning, App: app, Release: release, Instance: id})
}
