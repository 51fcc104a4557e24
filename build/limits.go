package build

import (
	"context"
	"errors"
	"sync"
	"time"
)

// limits are what bounds one build while it runs: its time (the
// context's deadline), its processes (a cgroup parent with pids.max) and
// its disk (a watch that cancels it).
type limits struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	cgroup string // the cgroup parent for the engine; "" = none
	disk   *diskWatch
	wg     sync.WaitGroup
	b      *Builder
}

func (b *Builder) startLimits(ctx context.Context, j *job) (*limits, error) {
	lim := &limits{b: b, disk: &diskWatch{eng: b.engine, budget: b.opts.Disk, poll: b.opts.DiskPoll}}
	tctx, cancelT := context.WithTimeout(ctx, b.opts.Timeout)
	cctx, cancel := context.WithCancelCause(tctx)
	lim.ctx = cctx
	lim.cancel = func(cause error) { cancel(cause); cancelT() }
	if b.pids != nil {
		cg, err := b.pids.create()
		if err != nil {
			lim.cancel(nil)
			return nil, ErrEngine.With("cannot limit the build's processes: "+err.Error(), err)
		}
		lim.cgroup = cg
	}
	if b.opts.Disk > 0 {
		lim.wg.Go(func() { lim.disk.run(cctx, cancel) })
	}
	return lim, nil
}

// stop ends the watch and removes the build cgroup once the engine has
// removed the step containers in it.
func (lim *limits) stop() {
	lim.cancel(nil)
	lim.wg.Wait()
	if lim.cgroup == "" {
		return
	}
	var err error
	for range 20 {
		if err = lim.b.pids.remove(lim.cgroup); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	lim.b.log.Warn("build cgroup left behind", "cgroup", lim.cgroup, "err", err)
}

// diskExceeded reports whether the build was cancelled for its disk use.
func (lim *limits) diskExceeded() bool {
	return lim.disk.exceeded() || errors.Is(context.Cause(lim.ctx), errDiskExceeded)
}
