package docker

import (
	"context"
	"errors"
	"fmt"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
)

// Converge leaves exactly r's newest container of the app and starts it
// (or a new one from r's image) when run is set. Each change is one INFO
// line in gitd's log.
func (s *Scheduler) Converge(ctx context.Context, app string, r *scheduler.Release, run bool) error {
	if r != nil { // a gitd started again knows the app's stop grace from here on
		s.graces.Store(app, r.StopGrace)
	}
	cs, err := s.rt.List(ctx, s.scope(app))
	if err != nil {
		return engineError("list containers", err)
	}
	var keep []runtime.State
	for _, c := range cs {
		if r != nil && releaseOf(c) == r.Number && len(keep) == 0 {
			keep = append(keep, c) // the newest of the current release's containers
			continue
		}
		current := 0
		if r != nil {
			current = r.Number
		}
		s.log.Info("reconcile: removing a container of a release that is not current", "app", app,
			"release", c.Labels[runtime.LabelRelease], "current", current, "container", c.ID, "running", c.Running)
		s.removeContainer(ctx, c)
	}
	if r == nil || !run || (len(keep) == 1 && keep[0].Running) {
		return nil
	}
	return s.runRelease(ctx, *r, keep)
}

// runRelease starts r without a start check: its container again if there
// is one, else a new one from its image.
func (s *Scheduler) runRelease(ctx context.Context, r scheduler.Release, keep []runtime.State) error {
	if len(keep) == 1 {
		s.log.Info("reconcile: starting the current release again", "app", r.App, "release", r.Number,
			"container", keep[0].ID)
		if err := s.rt.Start(ctx, keep[0].ID); err != nil {
			return engineError(fmt.Sprintf("start v%d", r.Number), err)
		}
		return nil
	}
	s.log.Info("reconcile: the current release has no container, starting a new one", "app", r.App,
		"release", r.Number)
	id, err := s.rt.Create(ctx, s.spec(r))
	if err == nil {
		err = s.rt.Start(ctx, id)
	}
	if err != nil {
		return engineError(fmt.Sprintf("run v%d", r.Number), err)
	}
	return nil
}

func (s *Scheduler) removeContainer(ctx context.Context, c runtime.State) {
	if c.Running {
		if err := s.rt.Stop(ctx, c.ID, s.opts.StopGrace); err != nil && !errors.Is(err, runtime.ErrNotFound) {
			s.log.Warn("reconcile: stop failed, removing by force", "container", c.ID, "err", err)
		}
	}
	if err := s.rt.Remove(ctx, c.ID); err != nil && !errors.Is(err, runtime.ErrNotFound) {
		s.log.Warn("reconcile: remove container", "container", c.ID, "err", err)
	}
}
