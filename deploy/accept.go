package deploy

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/botrunner/botrunner/internal/testhold"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/store"
)

// A release runs before it is accepted: its container passes the start
// check while the release is recorded "started", and only then is it made
// deployed and current (store.AcceptRelease, one transaction). A pushed
// release waits for receive to commit the push (objects moved in, refs
// updated, Committed); a failure there takes it back and the previous
// release runs again. A gitd that stops between the two leaves a
// "started" release, which Reconcile marks failed.

var _ receive.Committer = (*Engine)(nil)

// started is a release whose container passed the start check and that
// waits to be accepted or taken back.
type started struct {
	app   store.App
	rel   store.Release
	run   scheduler.Pending
	out   io.Writer
	begin time.Time
	fresh bool // the image was built for this release
}

// startRelease records rel as started and swaps it in. A failed swap
// records it failed; a fresh image goes with it.
func (d *Engine) startRelease(ctx context.Context, app store.App, rel store.Release, out io.Writer, begin time.Time, fresh bool) (*started, error) {
	rel.Status = store.ReleaseStarted
	if err := d.store.UpdateRelease(rel); err != nil {
		d.log.Error("record started release", "app", app.Name, "release", rel.Number, "err", err)
	}
	d.setPhase(app.Name, PhaseStarting)
	run, err := d.sched.Deploy(ctx, d.release(app, rel), out)
	if err != nil {
		d.followRunning(app.Name) // the previous release, started again
		if fresh {
			d.removeImage(rel.ImageTag)
		}
		return nil, d.failed(rel, d.runError(app, rel, err))
	}
	d.logs.attach(app.Name, rel.Number, run.Instance(), time.Time{})
	testhold.At("started", app.Name)
	return &started{app: app, rel: rel, run: run, out: out, begin: begin, fresh: fresh}, nil
}

// accept makes a started release deployed and current, removes the
// containers it replaced and old images. If the store refuses, the
// release is taken back.
func (d *Engine) accept(s *started) error {
	if err := d.store.AcceptRelease(s.app.Name, s.rel.Number); err != nil {
		d.log.Error("accept release", "app", s.app.Name, "release", s.rel.Number, "err", err)
		return d.takeBack(s, ErrDeployFailed.With("deploy failed: record the release", err))
	}
	d.running(s.app.Name)
	if err := s.run.Accept(context.Background()); err != nil {
		d.log.Warn("remove the containers a release replaced", "app", s.app.Name, "err", err)
	}
	step(s.out, "%s v%d is running (image %s, %.1f s)", s.app.Name, s.rel.Number, shortID(s.rel.Image),
		time.Since(s.begin).Seconds())
	d.gcImages(s.app.Name)
	return nil
}

// takeBack removes a started release's container, runs the previous one
// again and records the release failed with why.
func (d *Engine) takeBack(s *started, why error) error {
	step(s.out, "%s: taking v%d back: %v", s.app.Name, s.rel.Number, why)
	if err := s.run.TakeBack(context.Background(), s.out); err != nil {
		d.log.Error("take a release back", "app", s.app.Name, "release", s.rel.Number, "err", err)
	}
	d.followRunning(s.app.Name)
	if s.fresh {
		d.removeImage(s.rel.ImageTag)
	}
	return d.failed(s.rel, why)
}

// Committed accepts the release the push started once receive has the
// objects and refs in the repository, and takes it back if that failed.
func (d *Engine) Committed(_ context.Context, p *receive.Push, err error) {
	d.mu.Lock()
	s := d.pending[p.App]
	delete(d.pending, p.App)
	d.mu.Unlock()
	if s == nil {
		return
	}
	defer d.setPhase(p.App, "")
	if err != nil {
		_ = d.takeBack(s, fmt.Errorf("the push was not stored: %w", err))
		return
	}
	testhold.At("committed", p.App)
	_ = d.accept(s)
}

// dropPending takes back a release an earlier push of the app started but
// that was never committed nor refused: receive calls Committed under the
// app's lock after every pipeline run that succeeded, so one left over
// means a Pipeline wrapper did not pass Committed on. Without the
// repository's word the release is not accepted.
func (d *Engine) dropPending(app string) {
	d.mu.Lock()
	s := d.pending[app]
	delete(d.pending, app)
	d.mu.Unlock()
	if s != nil {
		d.log.Error("a pushed release was never committed; taking it back (a receive.Pipeline wrapper must pass Committed on)",
			"app", app, "release", s.rel.Number)
		_ = d.takeBack(s, ErrDeployFailed.With("deploy failed: the push's end was never reported", nil))
	}
}
