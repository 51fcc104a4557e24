package swarm

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/internal/cleanup"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
)

func isNotFound(err error) bool { return cerrdefs.IsNotFound(err) }

// undoTimeout bounds putting the previous release back after a failed
// deploy: it runs even when the pusher is gone, and holds the app meanwhile.
const undoTimeout = 5 * time.Minute

// Deploy pushes r's image, updates (or creates) the app's service to r's
// spec and holds the new task to the start check; on failure the service
// goes back to the spec it had (or away, if r was its first).
func (s *Scheduler) Deploy(ctx context.Context, r scheduler.Release, out io.Writer) (scheduler.Pending, error) {
	defer s.busy(r.App)()
	prev, had, force, err := s.apply(ctx, r, 1, out)
	if err != nil {
		return nil, err
	}
	task, err := s.startCheck(ctx, r, force, out)
	if err != nil {
		uctx, cancel := cleanup.Context(ctx, undoTimeout)
		defer cancel()
		s.undo(uctx, r.App, prev, had, out)
		return nil, err
	}
	s.release(r.App)
	return &pending{s: s, app: r.App, task: task, prev: prev, had: had}, nil
}

// apply makes the app's service run r with replicas (0 or 1); it returns
// the spec the service had before, whether there was a service, and the
// force counter of the new tasks.
func (s *Scheduler) apply(ctx context.Context, r scheduler.Release, replicas uint64, out io.Writer) (swarm.ServiceSpec, bool, uint64, error) {
	if err := runtime.CheckUser(r.User); err != nil {
		return swarm.ServiceSpec{}, false, 0, err
	}
	fmt.Fprintf(out, "-----> Copying v%d to the registry\n", r.Number)
	image, err := s.img.Push(ctx, r.Image, r.App, r.Number)
	if err != nil {
		return swarm.ServiceSpec{}, false, 0, err
	}
	if r.ImageTag != "" {
		s.mu.Lock()
		s.pushed[r.ImageTag] = image
		s.mu.Unlock()
	}
	network, err := s.network(ctx, r.App)
	if err != nil {
		return swarm.ServiceSpec{}, false, 0, err
	}
	spec := ServiceSpec(r, image, network, s.cfg.Options)
	spec.Mode.Replicated.Replicas = &replicas
	svc, had, err := s.service(ctx, r.App)
	if err != nil {
		return swarm.ServiceSpec{}, false, 0, err
	}
	fmt.Fprintf(out, "-----> Starting v%d (stop-first)\n", r.Number)
	force, err := s.put(ctx, svc, had, spec)
	return svc.Spec, had, force, err
}

// put creates the service with spec, or updates it to spec with the force
// counter one up (a new task even for the same spec); it returns the
// counter.
func (s *Scheduler) put(ctx context.Context, svc swarm.Service, had bool, spec swarm.ServiceSpec) (uint64, error) {
	auth, err := s.img.EncodedAuth()
	if err != nil {
		return 0, err
	}
	if !had {
		spec.TaskTemplate.ForceUpdate = 0
		_, err = s.c.ServiceCreate(ctx, client.ServiceCreateOptions{Spec: spec, EncodedRegistryAuth: auth})
		return 0, engineErrIf("create service", err)
	}
	spec.TaskTemplate.ForceUpdate = svc.Spec.TaskTemplate.ForceUpdate + 1
	_, err = s.c.ServiceUpdate(ctx, svc.ID, client.ServiceUpdateOptions{Version: svc.Version, Spec: spec, EncodedRegistryAuth: auth})
	return spec.TaskTemplate.ForceUpdate, engineErrIf("update service", err)
}

func engineErrIf(what string, err error) error {
	if err == nil {
		return nil
	}
	return engineErr(what, err)
}

// network makes the app's attachable overlay network if it is missing.
func (s *Scheduler) network(ctx context.Context, app string) (string, error) {
	name := NetworkName(s.cfg.Instance, app)
	_, err := s.c.NetworkCreate(ctx, name, client.NetworkCreateOptions{Driver: "overlay", Attachable: true,
		Labels: map[string]string{runtime.LabelApp: app, runtime.LabelInstance: s.cfg.Instance}})
	if err != nil && !cerrdefs.IsConflict(err) && !cerrdefs.IsAlreadyExists(err) {
		return "", engineErr("create network", err)
	}
	return name, nil
}

// startCheck waits for r's task to run, then for it to stay up for the
// start check, or, when r has Ready (the gateway's first getUpdates), for
// Ready's word; a task that ends is a *StartError, as is Ready's error.
func (s *Scheduler) startCheck(ctx context.Context, r scheduler.Release, force uint64, out io.Writer) (string, error) {
	check := r.StartCheck
	if check <= 0 {
		check = 5 * time.Second
	}
	var upAt time.Time
	var task swarm.Task
	var ready <-chan error // r.Ready's answer, asked once the task runs
	for {
		t, err := s.releaseTask(ctx, r, force)
		if err != nil {
			return "", err
		}
		switch {
		case t.ID != "" && t.Status.State == swarm.TaskStateRunning:
			task = t
			if upAt.IsZero() {
				upAt, ready = time.Now(), s.askReady(ctx, r, check, out)
			} else if r.Ready == nil && time.Since(upAt) >= check {
				return t.ID, nil
			}
		case t.ID != "" && ended(t):
			return "", s.startError(ctx, r, t, out)
		}
		select {
		case <-ctx.Done():
			return "", scheduler.ErrCancelled.With("deploy cancelled", ctx.Err())
		case err := <-ready:
			if err == nil {
				fmt.Fprintf(out, "-----> v%d polls: first getUpdates after %.1f s\n", r.Number, time.Since(upAt).Seconds())
				return task.ID, nil
			}
			se := s.startError(ctx, r, task, out)
			se.Reason = err.Error()
			return "", se
		case <-time.After(s.cfg.Poll):
		}
	}
}

// askReady says what the start check waits for and, when r has Ready,
// asks it (nil channel otherwise: the check is the fixed time).
func (s *Scheduler) askReady(ctx context.Context, r scheduler.Release, check time.Duration, out io.Writer) <-chan error {
	if r.Ready == nil {
		fmt.Fprintf(out, "-----> Checking that v%d stays up for %s\n", r.Number, check)
		return nil
	}
	fmt.Fprintf(out, "-----> Waiting for v%d's first getUpdates\n", r.Number)
	return r.Ready(ctx)
}

// releaseTask is the newest task of release r ("" ID while there is none).
func (s *Scheduler) releaseTask(ctx context.Context, r scheduler.Release, force uint64) (swarm.Task, error) {
	tasks, err := s.tasks(ctx, r.App)
	if err != nil {
		return swarm.Task{}, err
	}
	for _, t := range tasks {
		// The force counter tells this deploy's task from an earlier run
		// of the same release (a restart).
		cs := t.Spec.ContainerSpec
		if cs != nil && cs.Labels[runtime.LabelRelease] == strconv.Itoa(r.Number) && t.Spec.ForceUpdate == force {
			return t, nil
		}
	}
	return swarm.Task{}, nil
}

// startError is the failed start check of task t, whose last log lines
// it shows the pusher, as scheduler/docker does.
func (s *Scheduler) startError(ctx context.Context, r scheduler.Release, t swarm.Task, out io.Writer) *scheduler.StartError {
	e := &scheduler.StartError{Release: r.Number, ExitCode: -1}
	if st := t.Status.ContainerStatus; st != nil {
		e.ExitCode = st.ExitCode
		e.OOMKilled = st.ExitCode == 137 && t.Status.Err != "" && containsOOM(t.Status.Err)
	}
	e.Lines = s.lastLines(ctx, t.ID, 20)
	if len(e.Lines) > 0 {
		fmt.Fprintln(out, "-----> last log lines:")
	}
	for _, l := range e.Lines {
		fmt.Fprintf(out, "       %s\n", l)
	}
	return e
}

// undo puts the service back to prev and waits for it to run again, or
// removes the service if there was none before.
func (s *Scheduler) undo(ctx context.Context, app string, prev swarm.ServiceSpec, had bool, out io.Writer) {
	svc, ok, err := s.service(ctx, app)
	switch {
	case err == nil && ok && had:
		fmt.Fprintln(out, "-----> Starting the previous release again")
		var force uint64
		if force, err = s.put(ctx, svc, true, prev); err == nil {
			err = s.waitRunning(ctx, app, force)
		}
	case err == nil && ok:
		err = s.removeService(ctx, app)
	}
	if err != nil {
		s.log.Error("cannot put the previous release back", "app", app, "err", err)
	}
}

// waitRunning waits for a task of the force counter to run (or end).
func (s *Scheduler) waitRunning(ctx context.Context, app string, force uint64) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		tasks, err := s.tasks(ctx, app)
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if t.Spec.ForceUpdate == force && (t.Status.State == swarm.TaskStateRunning || ended(t)) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.cfg.Poll):
		}
	}
}

// pending keeps the previous spec until Accept or TakeBack.
type pending struct {
	s    *Scheduler
	app  string
	task string
	prev swarm.ServiceSpec
	had  bool
}

func (p *pending) Instance() string { return p.task }

// Accept: the previous spec is dropped (the service's own PreviousSpec
// still names it, which is what a later rollback needs none of).
func (p *pending) Accept(context.Context) error { return nil }

func (p *pending) TakeBack(ctx context.Context, out io.Writer) error {
	p.s.undo(ctx, p.app, p.prev, p.had, out)
	return nil
}
