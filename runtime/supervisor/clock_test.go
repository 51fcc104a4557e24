package supervisor_test

import (
	"sync"
	"time"

	"github.com/botrunner/botrunner/runtime/supervisor"
)

// fakeClock moves only when a test advances it; due timers fire in order,
// in the caller of Advance. A timer set for now or the past fires at once,
// in its own goroutine, as time.AfterFunc's would.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c    *fakeClock
	at   time.Time
	f    func()
	done bool
}

var _ supervisor.Clock = (*fakeClock)(nil)

func newFakeClock() *fakeClock {
	// Near the wall clock, and whole seconds, so that logs read well.
	return &fakeClock{now: time.Now().Truncate(time.Second)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) supervisor.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	if d <= 0 {
		t.done = true
		go f()
		return t
	}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.done
	t.done = true
	return was
}

// Advance moves the clock by d, firing the timers that fall due on the way.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		t := c.nextDue(end)
		if t == nil {
			c.now = end
			c.mu.Unlock()
			return
		}
		t.done = true
		if t.at.After(c.now) {
			c.now = t.at
		}
		c.mu.Unlock()
		t.f()
	}
}

// nextDue is the earliest pending timer due by end. Call with c.mu held.
func (c *fakeClock) nextDue(end time.Time) *fakeTimer {
	var first *fakeTimer
	live := c.timers[:0]
	for _, t := range c.timers {
		if t.done {
			continue
		}
		live = append(live, t)
		if !t.at.After(end) && (first == nil || t.at.Before(first.at)) {
			first = t
		}
	}
	c.timers = live
	return first
}

// Pending is how many timers wait to fire.
func (c *fakeClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if !t.done {
			n++
		}
	}
	return n
}
