package docker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/botrunner/botrunner/internal/cleanup"
	"github.com/botrunner/botrunner/internal/testhold"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
)

// rollbackTimeout bounds the steps that put the old release back: they run
// even when the pusher is gone, so they get their own context.
const rollbackTimeout = 2 * time.Minute

// swapped is a swap whose new container passed the start check; the old
// containers are stopped but kept until the release is accepted, so that a
// release taken back can have them again. It is the docker Pending.
type swapped struct {
	s       *Scheduler
	app     string
	id      string          // the new container
	old     []runtime.State // the app's containers before the swap
	running []runtime.State // those of them that ran
}

var _ scheduler.Pending = (*swapped)(nil)

// Instance is the new container.
func (sw *swapped) Instance() string { return sw.id }

// Accept removes the containers the swap replaced.
func (sw *swapped) Accept(context.Context) error {
	ctx, cancel := cleanup.Context(context.Background(), rollbackTimeout)
	defer cancel()
	var errs []error
	for _, c := range sw.old {
		if c.ID != sw.id {
			if err := sw.s.rt.Remove(ctx, c.ID); err != nil && !errors.Is(err, runtime.ErrNotFound) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// TakeBack takes a swap back: the new container goes, the old running ones
// start again.
func (sw *swapped) TakeBack(_ context.Context, out io.Writer) error {
	ctx, cancel := cleanup.Context(context.Background(), rollbackTimeout)
	defer cancel()
	s := sw.s
	s.sup.Stopped(sw.app, "deploy")
	err := s.rt.Remove(ctx, sw.id)
	if err != nil {
		s.log.Error("remove a release taken back", "app", sw.app, "container", sw.id, "err", err)
	}
	if s.restore(sw.running, out) {
		s.sup.Started(sw.app)
	}
	return err
}

// swap is swapKeep accepted at once: the old containers are removed once
// the new one passed its start check.
func (s *Scheduler) swap(ctx context.Context, r scheduler.Release, out io.Writer) error {
	sw, err := s.swapKeep(ctx, r, out)
	if err == nil {
		err = sw.Accept(ctx)
	}
	return err
}

// swapKeep replaces the app's container, stop-first, keeping the old ones:
// two copies of a polling bot fight over getUpdates, so the old one is
// stopped before the new one starts. The new one must stay up for the
// start check; if it exits (or the pusher disconnects meanwhile), it is
// removed and the old one is started again.
func (s *Scheduler) swapKeep(ctx context.Context, r scheduler.Release, out io.Writer) (*swapped, error) {
	old, err := s.rt.List(ctx, s.scope(r.App))
	if err != nil {
		return nil, scheduler.ErrEngine.With("list containers: "+err.Error(), err)
	}
	s.sup.Stopped(r.App, "deploy") // the stops below are not crashes
	running := s.stopRunning(ctx, old, out)
	testhold.At("stopped", r.App)
	id, err := s.start(ctx, r, out)
	if err != nil {
		if s.restore(running, out) {
			s.sup.Started(r.App)
		}
		return nil, err
	}
	s.sup.Started(r.App)
	return &swapped{s: s, app: r.App, id: id, old: old, running: running}, nil
}

// stopRunning stops the app's running containers and returns them, so a
// failed start can bring them back.
func (s *Scheduler) stopRunning(ctx context.Context, old []runtime.State, out io.Writer) []runtime.State {
	var running []runtime.State
	for _, c := range old {
		if !c.Running {
			continue
		}
		step(out, "stopping v%s (SIGTERM, %s grace)", c.Labels[runtime.LabelRelease], s.opts.StopGrace)
		stopCtx, cancel := cleanup.Context(ctx, s.opts.StopGrace+30*time.Second)
		if err := s.rt.Stop(stopCtx, c.ID, s.opts.StopGrace); err != nil {
			s.log.Warn("stop old release", "container", c.Name, "err", err)
		}
		cancel()
		running = append(running, c)
	}
	return running
}

// start runs the new release and holds it to the start check.
func (s *Scheduler) start(ctx context.Context, r scheduler.Release, out io.Writer) (string, error) {
	detached, cancel := cleanup.Context(ctx, rollbackTimeout)
	defer cancel()
	spec := s.spec(r)
	_ = s.rt.Remove(detached, spec.Name) // a leftover of a crashed gitd
	id, err := s.rt.Create(ctx, spec)
	if err != nil {
		return "", engineError("create container", err)
	}
	exited := s.rt.Wait(ctx, id) // before Start: a fast exit must not be missed
	if err := s.rt.Start(ctx, id); err != nil {
		_ = s.rt.Remove(detached, id)
		return "", engineError("start container", err)
	}
	check := startCheck(r)
	fmt.Fprintf(out, "-----> starting v%d … ", r.Number)
	select {
	case <-time.After(check):
		fmt.Fprintf(out, "up for %s: running\n", check)
		return id, nil
	case res := <-exited:
		if res.Err != nil { // the wait ended, not the bot: a cancel or an engine error
			return "", s.abandon(ctx, detached, id, out, res.Err)
		}
		fmt.Fprintf(out, "exited with code %d\n", res.ExitCode)
		lines := s.showLogs(detached, id, out)
		_ = s.rt.Remove(detached, id)
		return "", &scheduler.StartError{Release: r.Number, ExitCode: res.ExitCode, OOMKilled: res.OOMKilled, Lines: lines}
	case <-ctx.Done():
		return "", s.abandon(ctx, detached, id, out, ctx.Err())
	}
}

// abandon removes a new container whose start check could not be finished
// (the pusher left, or waiting on it failed), so the old one can come back.
func (s *Scheduler) abandon(ctx, detached context.Context, id string, out io.Writer, cause error) error {
	_ = s.rt.Remove(detached, id)
	if ctx.Err() != nil {
		fmt.Fprintf(out, "cancelled\n")
		return scheduler.ErrCancelled.With(scheduler.ErrCancelled.Msg, ctx.Err())
	}
	fmt.Fprintf(out, "wait failed\n")
	return engineError("wait for the container", cause)
}

func startCheck(r scheduler.Release) time.Duration {
	if r.StartCheck > 0 {
		return r.StartCheck
	}
	return 5 * time.Second
}

// restore starts again the containers a failed swap stopped, and reports
// whether one runs again.
func (s *Scheduler) restore(running []runtime.State, out io.Writer) bool {
	ctx, cancel := cleanup.Context(context.Background(), rollbackTimeout)
	defer cancel()
	ok := false
	for _, c := range running {
		step(out, "starting v%s again", c.Labels[runtime.LabelRelease])
		if err := s.rt.Start(ctx, c.ID); err != nil {
			s.log.Error("restart previous release", "container", c.Name, "err", err)
			fmt.Fprintf(out, "error: could not start v%s again: %v\n", c.Labels[runtime.LabelRelease], err)
			continue
		}
		ok = true
	}
	return ok
}

// showLogs prints the last lines a failed release wrote.
func (s *Scheduler) showLogs(ctx context.Context, id string, out io.Writer) []string {
	rc, err := s.rt.Logs(ctx, id, runtime.LogOptions{Tail: 20})
	if err != nil {
		return nil
	}
	defer rc.Close()
	step(out, "last log lines:")
	var lines []string
	sc := bufio.NewScanner(io.LimitReader(rc, 64<<10))
	for sc.Scan() {
		lines = append(lines, sc.Text())
		fmt.Fprintf(out, "       %s\n", sc.Text())
	}
	return lines
}

// engineError is a failed engine call, for the deploy's error.
func engineError(what string, err error) error {
	return scheduler.ErrEngine.With(fmt.Sprintf("%s: %v", what, err), err)
}

// step writes one "-----> " line, Heroku style.
func step(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "-----> "+format+"\n", args...)
}
