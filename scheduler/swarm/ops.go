package swarm

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
)

// busy marks an app an operation is changing, so Run keeps off it.
func (s *Scheduler) busy(app string) func() {
	a := s.state(app)
	s.mu.Lock()
	a.busy++
	s.mu.Unlock()
	return func() { s.mu.Lock(); a.busy--; s.mu.Unlock() }
}

// Stop scales the service to 0 and waits for its task to end.
func (s *Scheduler) Stop(ctx context.Context, app, by string, out io.Writer) (bool, error) {
	defer s.busy(app)()
	a := s.state(app)
	s.mu.Lock()
	a.held, a.nextRestart = by, time.Time{}
	s.mu.Unlock()
	svc, ok, err := s.service(ctx, app)
	if err != nil || !ok {
		return false, err
	}
	running, err := s.running(ctx, app)
	if err != nil {
		return false, err
	}
	if err := s.scale(ctx, svc, 0); err != nil {
		return false, err
	}
	if running != "" {
		fmt.Fprintf(out, "-----> Stopping %s\n", app)
	}
	return running != "", s.waitStopped(ctx, app)
}

// running is the ID of the app's running task, "" if none runs.
func (s *Scheduler) running(ctx context.Context, app string) (string, error) {
	tasks, err := s.tasks(ctx, app)
	if err != nil {
		return "", err
	}
	for _, t := range tasks {
		if t.Status.State == swarm.TaskStateRunning {
			return t.ID, nil
		}
	}
	return "", nil
}

func (s *Scheduler) waitStopped(ctx context.Context, app string) error {
	for {
		id, err := s.running(ctx, app)
		if err != nil || id == "" {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.cfg.Poll):
		}
	}
}

// scale sets the replicas, keeping the force counter: scaling up makes a
// new task of the current spec by itself, and a task being stopped stays
// the current run until it is gone.
func (s *Scheduler) scale(ctx context.Context, svc swarm.Service, n uint64) error {
	spec := svc.Spec
	spec.Mode.Replicated.Replicas = &n
	auth, err := s.img.EncodedAuth()
	if err != nil {
		return err
	}
	_, err = s.c.ServiceUpdate(ctx, svc.ID, client.ServiceUpdateOptions{Version: svc.Version, Spec: spec, EncodedRegistryAuth: auth})
	return engineErrIf("scale service", err)
}

// Start runs r unless a task of r already runs.
func (s *Scheduler) Start(ctx context.Context, r scheduler.Release, out io.Writer) (bool, error) {
	if id, err := s.running(ctx, r.App); err != nil {
		return false, err
	} else if id != "" {
		s.release(r.App)
		return true, nil
	}
	return false, s.Restart(ctx, r, out)
}

// Restart runs r anew: a Deploy accepted at once.
func (s *Scheduler) Restart(ctx context.Context, r scheduler.Release, out io.Writer) error {
	p, err := s.Deploy(ctx, r, out)
	if err != nil {
		return err
	}
	return p.Accept(ctx)
}

// release lifts a hold and starts a new run period.
func (s *Scheduler) release(app string) {
	a := s.state(app)
	s.mu.Lock()
	a.held, a.timedOut, a.crashes, a.nextRestart = "", false, 0, time.Time{}
	s.mu.Unlock()
}

// Status reads the app's tasks.
func (s *Scheduler) Status(ctx context.Context, app string) (scheduler.Status, error) {
	tasks, err := s.tasks(ctx, app)
	if err != nil {
		return scheduler.Status{}, err
	}
	svc, _, err := s.service(ctx, app)
	if err != nil {
		return scheduler.Status{}, err
	}
	st := scheduler.Status{App: app}
	for _, t := range tasks {
		// The current run only: the tasks of the service's force counter
		// (earlier ones are history the manager keeps, already replaced).
		if t.Spec.ForceUpdate != svc.Spec.TaskTemplate.ForceUpdate {
			continue
		}
		if t.Status.ContainerStatus != nil || t.Status.State == swarm.TaskStateRunning {
			st.Instances = append(st.Instances, instance(t))
		}
	}
	a := s.state(app)
	s.mu.Lock()
	st.Crashes, st.NextRestart, st.TimedOut, st.StoppedBy = a.crashes, a.nextRestart, a.timedOut, a.held
	s.mu.Unlock()
	return st, nil
}

// Remove removes the app's service and network and forgets the app.
func (s *Scheduler) Remove(ctx context.Context, app string) error {
	defer s.busy(app)()
	if err := s.removeService(ctx, app); err != nil {
		return err
	}
	name := NetworkName(s.cfg.Instance, app)
	for i := 0; ; i++ { // the task leaves the network a moment after the service goes
		_, err := s.c.NetworkRemove(ctx, name, client.NetworkRemoveOptions{})
		if err == nil || isNotFound(err) {
			break
		}
		if i == 50 {
			return engineErr("remove network", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.mu.Lock()
	delete(s.apps, app)
	s.mu.Unlock()
	return nil
}

func (s *Scheduler) removeService(ctx context.Context, app string) error {
	if _, err := s.c.ServiceRemove(ctx, s.name(app), client.ServiceRemoveOptions{}); err != nil && !isNotFound(err) {
		return engineErr("remove service", err)
	}
	return s.waitStopped(ctx, app)
}

// List finds this gitd's services by label.
func (s *Scheduler) List(ctx context.Context) ([]scheduler.Bot, error) {
	res, err := s.c.ServiceList(ctx, client.ServiceListOptions{Filters: make(client.Filters).
		Add("label", runtime.LabelInstance+"="+s.cfg.Instance)})
	if err != nil {
		return nil, engineErr("list services", err)
	}
	var bots []scheduler.Bot
	for _, svc := range res.Items {
		app := svc.Spec.Labels[runtime.LabelApp]
		st, err := s.Status(ctx, app)
		if err != nil {
			return nil, err
		}
		bots = append(bots, scheduler.Bot{App: app, Instances: st.Instances})
	}
	return bots, nil
}

// Converge makes r the app's release without a start check.
func (s *Scheduler) Converge(ctx context.Context, app string, r *scheduler.Release, run bool) error {
	defer s.busy(app)()
	if r == nil {
		return s.removeService(ctx, app)
	}
	svc, ok, err := s.service(ctx, app)
	if err != nil {
		return err
	}
	want := uint64(0)
	if run {
		want = 1
	}
	if ok && svc.Spec.Labels[runtime.LabelRelease] == strconv.Itoa(r.Number) {
		if id, err := s.running(ctx, app); err != nil || (id != "") == run {
			return err
		}
		if err := s.scale(ctx, svc, want); err != nil { // a new task when it should run and none does
			return err
		}
	} else if _, _, _, err := s.apply(ctx, *r, want, io.Discard); err != nil {
		return err
	}
	if !run {
		return s.waitStopped(ctx, app)
	}
	svc, _, err = s.service(ctx, app)
	if err != nil {
		return err
	}
	return s.waitRunning(ctx, app, svc.Spec.TaskTemplate.ForceUpdate)
}

// DropImage deletes the registry copy of the release image tagged ref
// (build.Tag's botrunner/<app>:v<N>): by the digest this gitd pushed, or,
// for a copy pushed before gitd restarted, by the digest the registry
// gives for the release's tag there.
func (s *Scheduler) DropImage(ctx context.Context, ref string) error {
	s.mu.Lock()
	digest := s.pushed[ref]
	delete(s.pushed, ref)
	s.mu.Unlock()
	if digest == "" {
		app, n, ok := releaseOfTag(ref)
		if !ok {
			return nil
		}
		var err error
		if digest, err = s.img.Pushed(ctx, app, n); err != nil || digest == "" {
			return err
		}
	}
	return s.img.Delete(ctx, digest)
}

// releaseOfTag reads the app and release number of a release image tag,
// botrunner/<app>:v<N>.
func releaseOfTag(ref string) (app string, n int, ok bool) {
	rest, ok := strings.CutPrefix(ref, "botrunner/")
	if !ok {
		return "", 0, false
	}
	app, num, ok := strings.Cut(rest, ":v")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n <= 0 || app == "" || strings.Contains(app, "/") {
		return "", 0, false
	}
	return app, n, true
}
