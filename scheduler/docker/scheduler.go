package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/botrunner/botrunner/internal/logging"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/supervisor"
	"github.com/botrunner/botrunner/scheduler"
)

// Options configure the scheduler.
type Options struct {
	// Instance labels this gitd's containers (runtime.LabelInstance); every
	// lookup is limited to them. "" = no label (tests with their own engine).
	Instance string
	// Network is shared by all bots; "" = a network per app (AppNetwork).
	Network   string
	StopGrace time.Duration     // SIGTERM to SIGKILL; default 10 s
	Policy    supervisor.Policy // crash restarts and the run-time limit
	// Labels narrow every lookup further and go on every container (tests
	// that share an engine).
	Labels map[string]string
	Clock  supervisor.Clock // nil = the wall clock
	Log    *slog.Logger
}

// Scheduler runs bots as containers on one engine.
type Scheduler struct {
	rt   runtime.Driver
	sup  *supervisor.Supervisor
	opts Options
	log  *slog.Logger
	h    atomic.Pointer[scheduler.Handler] // Run's
}

var _ scheduler.Scheduler = (*Scheduler)(nil)

// New returns a scheduler of the bot containers on d, watching ev (the
// drivers implement both).
func New(d runtime.Driver, ev runtime.EventSource, o Options) *Scheduler {
	if o.StopGrace <= 0 {
		o.StopGrace = 10 * time.Second
	}
	o.Policy.StopGrace = o.StopGrace
	s := &Scheduler{rt: d, opts: o, log: logging.Component(o.Log, "scheduler")}
	scope := s.scope("")
	delete(scope, runtime.LabelApp)
	opts := []supervisor.Option{supervisor.WithLabels(scope)}
	if o.Clock != nil {
		opts = append(opts, supervisor.WithClock(o.Clock))
	}
	s.sup = supervisor.New(d, ev, o.Policy, o.Log, hooks{s}, opts...)
	return s
}

// Deploy swaps r in, keeping the old containers until the Pending is
// accepted or taken back.
func (s *Scheduler) Deploy(ctx context.Context, r scheduler.Release, out io.Writer) (scheduler.Pending, error) {
	sw, err := s.swapKeep(ctx, r, out)
	if err != nil {
		return nil, err
	}
	return sw, nil
}

// Start runs r unless a container of it runs already.
func (s *Scheduler) Start(ctx context.Context, r scheduler.Release, out io.Writer) (bool, error) {
	cs, err := s.rt.List(ctx, s.scope(r.App, runtime.LabelRelease, strconv.Itoa(r.Number)))
	if err != nil {
		return false, engineError("list containers", err)
	}
	for _, c := range cs {
		if c.Running {
			s.sup.Started(r.App)
			return true, nil
		}
	}
	return false, s.swap(ctx, r, out)
}

// Restart runs r in a new container, through the swap.
func (s *Scheduler) Restart(ctx context.Context, r scheduler.Release, out io.Writer) error {
	return s.swap(ctx, r, out)
}

// Stop holds the app and stops its running containers.
func (s *Scheduler) Stop(ctx context.Context, app, by string, out io.Writer) (bool, error) {
	s.sup.Stopped(app, by)
	cs, err := s.rt.List(ctx, s.scope(app))
	if err != nil {
		return false, engineError("list containers", err)
	}
	stopped := false
	for _, c := range cs {
		if c.Running {
			step(out, "stopping %s v%s (SIGTERM, %s grace)", app, c.Labels[runtime.LabelRelease], s.opts.StopGrace)
			if err := s.rt.Stop(ctx, c.ID, s.opts.StopGrace); err != nil {
				return stopped, engineError("stop container", err)
			}
			stopped = true
		}
	}
	return stopped, nil
}

// Status lists the app's containers and adds what the supervisor knows.
func (s *Scheduler) Status(ctx context.Context, app string) (scheduler.Status, error) {
	cs, err := s.rt.List(ctx, s.scope(app))
	if err != nil {
		return scheduler.Status{App: app}, engineError("list containers", err)
	}
	st := s.sup.State(app)
	return scheduler.Status{App: app, Instances: instances(cs), Crashes: st.Crashes, NextRestart: st.NextAttempt,
		TimedOut: st.TimedOut, StoppedBy: st.StoppedBy}, nil
}

// List returns this gitd's bots, by app.
func (s *Scheduler) List(ctx context.Context) ([]scheduler.Bot, error) {
	cs, err := s.rt.List(ctx, s.scope(""))
	if err != nil {
		return nil, engineError("list containers", err)
	}
	byApp := map[string][]runtime.State{}
	for _, c := range cs {
		byApp[c.Labels[runtime.LabelApp]] = append(byApp[c.Labels[runtime.LabelApp]], c)
	}
	bots := make([]scheduler.Bot, 0, len(byApp))
	for app, cs := range byApp {
		bots = append(bots, scheduler.Bot{App: app, Instances: instances(cs)})
	}
	sort.Slice(bots, func(i, j int) bool { return bots[i].App < bots[j].App })
	return bots, nil
}

// Remove holds the app, removes its containers and its own network, and
// forgets it.
func (s *Scheduler) Remove(ctx context.Context, app string) error {
	s.sup.Stopped(app, "destroy")
	defer s.sup.Forget(app)
	if err := s.removeContainers(ctx, app, nil); err != nil {
		return err
	}
	return s.removeNetwork(ctx, app)
}

// removeContainers stops and removes the app's containers but keep.
func (s *Scheduler) removeContainers(ctx context.Context, app string, keep func(runtime.State) bool) error {
	cs, err := s.rt.List(ctx, s.scope(app))
	if err != nil {
		return engineError("list containers", err)
	}
	for _, c := range cs {
		if keep != nil && keep(c) {
			continue
		}
		if c.Running {
			if err := s.rt.Stop(ctx, c.ID, s.opts.StopGrace); err != nil && !errors.Is(err, runtime.ErrNotFound) {
				s.log.Warn("stop failed, removing by force", "app", app, "container", c.ID, "err", err)
			}
		}
		if err := s.rt.Remove(ctx, c.ID); err != nil && !errors.Is(err, runtime.ErrNotFound) {
			return engineError("remove container", err)
		}
	}
	return nil
}

// networkRemover is a driver that made the app a network of its own.
type networkRemover interface {
	RemoveNetwork(ctx context.Context, name string) error
}

// removeNetwork removes the app's own network (none when bots share one).
func (s *Scheduler) removeNetwork(ctx context.Context, app string) error {
	nr, ok := s.rt.(networkRemover)
	if !ok || s.opts.Network != "" {
		return nil
	}
	if err := nr.RemoveNetwork(ctx, s.network(app)); err != nil {
		s.log.Warn("remove network", "app", app, "err", err)
		return scheduler.ErrEngine.With(fmt.Sprintf("the network of %s could not be removed", app), err)
	}
	return nil
}

// DropImage has nothing to do: images stay on gitd's own engine, where
// the deploy engine removes them.
func (s *Scheduler) DropImage(context.Context, string) error { return nil }

// instances turns containers into Instances, newest release first.
func instances(cs []runtime.State) []scheduler.Instance {
	out := make([]scheduler.Instance, 0, len(cs))
	for _, c := range cs {
		out = append(out, scheduler.Instance{ID: c.ID, Release: releaseOf(c), Image: c.Image, Running: c.Running,
			StartedAt: c.StartedAt, FinishedAt: c.FinishedAt, ExitCode: c.ExitCode, OOMKilled: c.OOMKilled})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Release != out[j].Release {
			return out[i].Release > out[j].Release
		}
		return out[i].StartedAt.After(out[j].StartedAt)
	})
	return out
}

func releaseOf(c runtime.State) int {
	n, _ := strconv.Atoi(c.Labels[runtime.LabelRelease])
	return n
}
