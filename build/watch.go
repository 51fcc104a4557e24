package build

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
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
	upper   map[string]string // step container -> its upper dir ("" = ask the engine)
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
	size, ok := w.size(ctx, id)
	if !ok {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.current == id {
		w.last = size
	}
	used := w.done + w.last
	w.peak = max(w.peak, used)
	w.over = used > w.budget
	return w.over
}

// step is the step container running last.
func (w *diskWatch) step() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.current
}

// size measures a step container's writable layer: by walking its upper
// directory where gitd can read it (fast: only what the step wrote), else
// by asking the engine, which also walks the whole image (slow on
// fuse-overlayfs: many seconds per call).
func (w *diskWatch) size(ctx context.Context, id string) (int64, bool) {
	w.mu.Lock()
	upper, known := w.upper[id]
	w.mu.Unlock()
	if !known {
		res, err := w.eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if err != nil {
			return 0, false
		}
		if res.Container.GraphDriver != nil {
			upper = res.Container.GraphDriver.Data["UpperDir"]
		}
		if upper != "" {
			if _, err := os.Stat(upper); err != nil {
				upper = ""
			}
		}
		w.mu.Lock()
		if w.upper == nil {
			w.upper = map[string]string{}
		}
		w.upper[id] = upper
		w.mu.Unlock()
	}
	if upper != "" {
		return dirUsage(upper)
	}
	res, err := w.eng.ContainerInspect(ctx, id, client.ContainerInspectOptions{Size: true})
	if err != nil || res.Container.SizeRw == nil {
		return 0, false
	}
	return *res.Container.SizeRw, true
}

// dirUsage is the disk space the files under dir take (allocated blocks,
// so a sparse file counts what it holds). A directory that is gone (the
// step ended) is no measurement.
func dirUsage(dir string) (int64, bool) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // vanished while walking
		}
		if fi, err := d.Info(); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				n += st.Blocks * 512
			} else {
				n += fi.Size()
			}
		}
		return nil
	})
	if _, serr := os.Stat(dir); err != nil || serr != nil {
		return 0, false
	}
	return n, true
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
