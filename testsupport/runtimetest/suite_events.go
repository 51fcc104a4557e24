package runtimetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// testEvents: a bot container's start and exit are reported, the exit with
// its code, and cancelling ends the stream with an error.
func testEvents(t *testing.T, h *harness) {
	src, ok := h.d.(runtime.EventSource)
	if !ok {
		t.Fatalf("%T does not implement runtime.EventSource", h.d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	evs, errc := src.Events(ctx)
	s := h.spec("events", h.img.Exit(3))
	s.Labels[runtime.LabelApp] = "rt-" + h.token
	id := h.create(s)
	h.start(id)

	start := h.nextEvent(evs, id)
	if start.Action != runtime.ActionStart || start.Labels[runtime.LabelApp] != "rt-"+h.token || start.Time.IsZero() {
		t.Errorf("first event = %+v, want start with the labels", start)
	}
	if die := h.nextEvent(evs, id); die.Action != runtime.ActionDie || die.ExitCode != 3 {
		t.Errorf("second event = %+v, want die with exit code 3", die)
	}
	cancel()
	for range evs { // drained; then closed
	}
	if err := <-errc; err == nil {
		t.Error("stream ended without an error")
	} else if !errors.Is(err, context.Canceled) {
		t.Logf("stream ended with %v after cancel", err)
	}
}

// testEventsStop: Stop reports die (143) and stop; Remove reports destroy;
// a container without the app label reports nothing.
func testEventsStop(t *testing.T, h *harness) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	evs, _ := h.d.(runtime.EventSource).Events(ctx)
	quiet := h.run("events-quiet", h.img.Sleep())
	s := h.spec("events-stop", h.img.Print("ready"))
	s.Labels[runtime.LabelApp] = "rt-" + h.token
	id := h.create(s)
	h.start(id)
	if ev := h.nextEvent(evs, id, quiet); ev.ContainerID != id || ev.Action != runtime.ActionStart {
		t.Fatalf("event = %+v, want start of the labelled container", ev)
	}
	h.logsContaining(id, runtime.LogOptions{}, "ready")
	if err := h.d.Stop(h.ctx(), id, 10*time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := h.d.Remove(h.ctx(), id); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	want := []string{runtime.ActionDie, runtime.ActionStop, runtime.ActionDestroy}
	for _, action := range want {
		ev := h.nextEvent(evs, id, quiet)
		if ev.ContainerID != id || ev.Action != action || (action == runtime.ActionDie && ev.ExitCode != 143) {
			t.Errorf("event = %+v, want %s (the sequence %v)", ev, action, want)
		}
	}
}

// nextEvent returns the next event of one of ids, skipping others' (a
// stream may repeat events from before it began).
func (h *harness) nextEvent(evs <-chan runtime.Event, ids ...string) runtime.Event {
	h.t.Helper()
	timeout := time.After(Timeout)
	for {
		select {
		case ev, ok := <-evs:
			if !ok {
				h.t.Fatal("event stream ended early")
			}
			for _, id := range ids {
				if ev.ContainerID == id {
					return ev
				}
			}
		case <-timeout:
			h.t.Fatalf("no event of %v within %v", ids, Timeout)
		}
	}
}
