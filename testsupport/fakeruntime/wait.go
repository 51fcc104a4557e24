package fakeruntime

import (
	"context"

	"github.com/botrunner/botrunner/runtime"
)

// Wait registers for the container's next exit before it returns, so an
// exit right after Start is never missed.
func (d *Driver) Wait(ctx context.Context, id string) <-chan runtime.ExitResult {
	out := make(chan runtime.ExitResult, 1)
	d.mu.Lock()
	err := d.takeFail("wait")
	c := d.find(id)
	if err == nil && c == nil {
		err = notFound(id)
	}
	if err != nil {
		d.mu.Unlock()
		out <- runtime.ExitResult{ExitCode: -1, Err: err}
		close(out)
		return out
	}
	w := make(chan runtime.ExitResult, 1) // endLocked never blocks on it
	c.waiters[w] = true
	d.mu.Unlock()
	go func() {
		defer close(out)
		select {
		case r := <-w:
			out <- r
		case <-ctx.Done():
			d.mu.Lock()
			delete(c.waiters, w)
			d.mu.Unlock()
			select {
			case r := <-w: // the exit won the race
				out <- r
			default:
				out <- runtime.ExitResult{ExitCode: -1, Err: ctx.Err()}
			}
		}
	}()
	return out
}

// end is endLocked for timers.
func (d *Driver) end(c *ctr, run, code int, oom bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.endLocked(c, run, code, oom)
}

// endLocked ends run of c, if it is still the current, running one: the
// state becomes exited, waiters get the result, followers wake.
func (d *Driver) endLocked(c *ctr, run, code int, oom bool) {
	if c.run != run || !c.st.Running {
		return
	}
	c.st.Running, c.st.Status = false, "exited"
	c.st.ExitCode, c.st.OOMKilled = code, oom
	c.st.FinishedAt = d.now()
	if oom {
		d.emitLocked(c, runtime.ActionOOM, 0)
	}
	d.emitLocked(c, runtime.ActionDie, code)
	if c.stopRun == run {
		d.emitLocked(c, runtime.ActionStop, 0)
	}
	for w := range c.waiters {
		w <- runtime.ExitResult{ExitCode: code, OOMKilled: oom}
	}
	clear(c.waiters)
	close(c.stopped)
	c.wake()
}
