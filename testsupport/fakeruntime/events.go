package fakeruntime

import (
	"context"
	"maps"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

var _ runtime.EventSource = (*Driver)(nil)

// eventSub is one Events stream. Its fields are guarded by the driver's mu;
// emitting never blocks: the queue is unbounded and a goroutine per stream
// hands it on.
type eventSub struct {
	queue   []runtime.Event
	dropped error         // set by DropEvents: the stream ends with it once the queue is sent
	wake    chan struct{} // cap 1
}

// Events streams the events of containers labelled runtime.LabelApp, as
// docker's does: start, die (with the code; an OOM kill sends oom first),
// stop (after the die, when Stop ended the run) and destroy. The
// subscription is made before Events returns, so nothing after the call is
// missed. Fail("events", err) makes the next stream end with err at once;
// DropEvents ends the open ones.
func (d *Driver) Events(ctx context.Context) (<-chan runtime.Event, <-chan error) {
	out := make(chan runtime.Event)
	errc := make(chan error, 1)
	s := &eventSub{wake: make(chan struct{}, 1)}
	d.mu.Lock()
	err := d.takeFail("events")
	if err == nil {
		d.subs[s] = true
	}
	d.mu.Unlock()
	go func() {
		defer close(errc)
		defer close(out)
		if err != nil {
			errc <- err
			return
		}
		errc <- d.pump(ctx, s, out)
	}()
	return out, errc
}

// pump sends s's queue on until the stream is dropped or ctx ends.
func (d *Driver) pump(ctx context.Context, s *eventSub, out chan<- runtime.Event) error {
	defer d.unsubscribe(s)
	for {
		d.mu.Lock()
		queue, dropped := s.queue, s.dropped
		s.queue = nil
		d.mu.Unlock()
		for _, ev := range queue {
			select {
			case out <- ev:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if dropped != nil {
			return dropped
		}
		select {
		case <-s.wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (d *Driver) unsubscribe(s *eventSub) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.subs, s)
}

// DropEvents ends every open Events stream with err, as an engine restart
// would; events already queued on them are delivered first. Events that
// happen while nobody is subscribed are lost, as with an engine.
func (d *Driver) DropEvents(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for s := range d.subs {
		s.dropped = err
		delete(d.subs, s)
		s.poke()
	}
}

// EventStreams is how many Events streams are open: tests wait on it.
func (d *Driver) EventStreams() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.subs)
}

// SetClock makes the driver read the time from now (e.g. a test's fake
// clock) for containers' StartedAt and FinishedAt and events' Time. Timers
// (ExitAfter, grace periods) still run on the wall clock.
func (d *Driver) SetClock(now func() time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.now = now
}

// emitLocked queues an event of c for every stream. Call with d.mu held.
func (d *Driver) emitLocked(c *ctr, action string, code int) {
	if _, ok := c.st.Labels[runtime.LabelApp]; !ok {
		return
	}
	ev := runtime.Event{ContainerID: c.st.ID, Name: c.st.Name, Action: action, ExitCode: code, Time: d.now()}
	for s := range d.subs {
		ev.Labels = maps.Clone(c.st.Labels)
		s.queue = append(s.queue, ev)
		s.poke()
	}
}

func (s *eventSub) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
