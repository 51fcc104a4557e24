package build

import (
	"context"
	"sync"
	"time"

	"github.com/moby/moby/client"
)

// DefaultDiskPoll is how often a running build's disk use is measured.
const DefaultDiskPoll = time.Second

// errDiskExceeded is the cause a build context is cancelled with when the
// build wrote past its disk budget.
var errDiskExceeded = ErrBuildDiskExceeded

// diskWatch measures what a build writes while it runs: the writable
// layer of the step container running now (the engine reports its size)
// plus what the finished steps wrote. The classic builder names each step
// container in its output (" ---> Running in <id>"); the renderer tells
// the watch. Past the budget the build is cancelled: the engine then kills
// and removes the step container.
type diskWatch struct {
	eng    Engine
	budget int64
	poll   time.Duration

	mu      sync.Mutex
	current string // the step container running now
	last    int64  // its size when last measured
	done    int64  // what the finished steps wrote
	over    bool
	peak    int64
}

// container is called for each new step container.
func (w *diskWatch) container(id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done += w.last
	w.current, w.last = id, 0
}

// run measures until ctx ends, and cancels the build when it is over
// budget.
func (w *diskWatch) run(ctx context.Context, cancel context.CancelCauseFunc) {
	t := time.NewTicker(w.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if w.measure(ctx) {
			cancel(errDiskExceeded)
			return
		}
	}
}

// measure updates the current step's size and reports whether the build
// is over budget. A container that is gone (the step ended) keeps its last
// size.
func (w *diskWatch) measure(ctx context.Context) bool {
	w.mu.Lock()
	id := w.current
	w.mu.Unlock()
	if id == "" {
		return false
	}
	res, err := w.eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{Size: true})
	if err != nil || res.Container.SizeRw == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.current == id {
		w.last = *res.Container.SizeRw
	}
	used := w.done + w.last
	w.peak = max(w.peak, used)
	w.over = used > w.budget
	return w.over
}

func (w *diskWatch) exceeded() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.over
}

func (w *diskWatch) used() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak
}
