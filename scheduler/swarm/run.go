package swarm

import (
	"context"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
)

// Run keeps this gitd's services running: it reads their tasks every
// Poll, restarts a bot whose task ended (with backoff after a crash, at
// once after its node went away), stops a bot past the run-time limit and
// tells h. It polls the manager's task list, which covers every node;
// the engine's event stream shows only the containers of gitd's own node.
func (s *Scheduler) Run(ctx context.Context, held map[string]string, h scheduler.Handler) error {
	for app, by := range held {
		a := s.state(app)
		s.mu.Lock()
		a.held = by
		s.mu.Unlock()
	}
	for {
		if err := s.sweep(ctx, h); err != nil {
			s.log.Warn("reading the swarm's services", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(s.cfg.Poll):
		}
	}
}

// sweep looks at every service of this gitd once.
func (s *Scheduler) sweep(ctx context.Context, h scheduler.Handler) error {
	res, err := s.c.ServiceList(ctx, client.ServiceListOptions{Filters: make(client.Filters).
		Add("label", runtime.LabelInstance+"="+s.cfg.Instance)})
	if err != nil {
		return err
	}
	for _, svc := range res.Items {
		app := svc.Spec.Labels[runtime.LabelApp]
		a := s.state(app)
		s.mu.Lock()
		skip := a.busy > 0 || a.held != "" || svc.Spec.Mode.Replicated == nil ||
			svc.Spec.Mode.Replicated.Replicas == nil || *svc.Spec.Mode.Replicated.Replicas == 0
		s.mu.Unlock()
		if skip {
			continue
		}
		tasks, err := s.tasks(ctx, app)
		if err != nil || len(tasks) == 0 {
			continue
		}
		s.look(ctx, svc, tasks[0], h)
	}
	return nil
}

// look acts on the newest task of one service.
func (s *Scheduler) look(ctx context.Context, svc swarm.Service, t swarm.Task, h scheduler.Handler) {
	app := svc.Spec.Labels[runtime.LabelApp]
	in := instance(t)
	a := s.state(app)
	now := time.Now()
	switch {
	case t.Status.State == swarm.TaskStateRunning:
		s.mu.Lock()
		first := a.seenTask != t.ID
		if first {
			a.seenTask, a.upSince = t.ID, now
		}
		if now.Sub(a.upSince) >= s.cfg.RestartReset {
			a.crashes = 0
		}
		over := s.cfg.MaxRuntime > 0 && now.Sub(t.Status.Timestamp) >= s.cfg.MaxRuntime
		s.mu.Unlock()
		if first {
			h.BotEvent(scheduler.Event{Kind: scheduler.EventRunning, App: app, Release: in.Release, Instance: t.ID})
		}
		if over {
			s.timeOut(ctx, svc, in, h)
		}
	case ended(t):
		s.ended(ctx, svc, t, in, h)
	}
}

// ended restarts a bot whose task is over: at once when the orchestrator
// shut it down (its node was drained or lost), after the backoff when the
// bot exited by itself.
func (s *Scheduler) ended(ctx context.Context, svc swarm.Service, t swarm.Task, in scheduler.Instance, h scheduler.Handler) {
	app := svc.Spec.Labels[runtime.LabelApp]
	a := s.state(app)
	now := time.Now()
	s.mu.Lock()
	due := a.nextRestart
	if due.IsZero() {
		lost := t.Status.State == swarm.TaskStateShutdown || t.Status.State == swarm.TaskStateOrphaned
		delay := time.Duration(0)
		if !lost {
			a.crashes++
			delay = s.cfg.RestartDelay << min(a.crashes-1, 20)
			delay = min(delay, s.cfg.RestartMax)
		}
		a.nextRestart = now.Add(delay)
		crashes := a.crashes
		s.mu.Unlock()
		if !lost {
			h.BotEvent(scheduler.Event{Kind: scheduler.EventExited, App: app, Release: in.Release, Instance: t.ID,
				ExitCode: in.ExitCode, OOMKilled: in.OOMKilled, NextRestart: now.Add(delay), Crashes: crashes})
		}
		return
	}
	s.mu.Unlock()
	if now.Before(due) {
		return
	}
	if _, err := s.put(ctx, svc, true, svc.Spec); err != nil {
		s.log.Warn("crash restart", "app", app, "err", err)
		return
	}
	s.mu.Lock()
	a.nextRestart = time.Time{}
	s.mu.Unlock()
	h.BotEvent(scheduler.Event{Kind: scheduler.EventStarted, App: app, Release: in.Release})
}

// timeOut stops a bot past the run-time limit and holds it.
func (s *Scheduler) timeOut(ctx context.Context, svc swarm.Service, in scheduler.Instance, h scheduler.Handler) {
	app := svc.Spec.Labels[runtime.LabelApp]
	a := s.state(app)
	s.mu.Lock()
	a.held, a.timedOut = "timeout", true
	s.mu.Unlock()
	h.BotEvent(scheduler.Event{Kind: scheduler.EventTimedOut, App: app, Release: in.Release, Instance: in.ID})
	if err := s.scale(ctx, svc, 0); err != nil {
		s.log.Warn("run-time limit", "app", app, "err", err)
	}
}
