package docker

import (
	"context"
	"errors"
	"io"
	"maps"
	"testing"
	"time"

	"github.com/moby/moby/api/types/events"

	"github.com/botrunner/botrunner/runtime"
)

func message(action events.Action, id string, attrs map[string]string) events.Message {
	return events.Message{Type: events.ContainerEventType, Action: action, Actor: events.Actor{ID: id, Attributes: attrs},
		Time: 1700000000, TimeNano: 1700000000_123456789}
}

// collect reads a stream to its end.
func collect(t *testing.T, evs <-chan runtime.Event, errc <-chan error) ([]runtime.Event, error) {
	t.Helper()
	var got []runtime.Event
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-evs:
			if !ok {
				return got, <-errc
			}
			got = append(got, ev)
		case <-timeout:
			t.Fatal("stream did not end")
		}
	}
}

// TestEventsTranslate: the engine's attributes become labels, the exit
// code, the name and the time; other types and actions are dropped.
func TestEventsTranslate(t *testing.T) {
	labels := map[string]string{runtime.LabelApp: "bot", runtime.LabelRelease: "3"}
	withEngine := func(extra map[string]string) map[string]string {
		m := maps.Clone(labels)
		m["name"], m["image"] = "botrunner-bot-v3", "sha256:abc"
		maps.Copy(m, extra)
		return m
	}
	f := &fakeClient{events: []events.Message{
		message(events.ActionStart, "c1", withEngine(nil)),
		message(events.ActionKill, "c1", withEngine(map[string]string{"signal": "15"})),
		message(events.ActionDie, "c1", withEngine(map[string]string{"exitCode": "3", "execDuration": "1"})),
		{Type: events.NetworkEventType, Action: events.ActionConnect, Actor: events.Actor{ID: "n1"}},
		message(events.ActionOOM, "c1", withEngine(nil)),
		message(events.ActionStop, "c1", withEngine(nil)),
		message(events.ActionDestroy, "c1", withEngine(nil)),
		message(events.ActionDie, "c1", withEngine(map[string]string{"exitCode": "x"})),
		message(events.ActionDie, "c1", withEngine(nil)),
	}, eventsEnd: io.EOF}
	evs, errc := newTestDriver(f).Events(context.Background())
	got, err := collect(t, evs, errc)
	if !errors.Is(err, ErrEventStreamEnded) {
		t.Errorf("end of stream = %v, want ErrEventStreamEnded", err)
	}
	want := []string{"start", "die", "oom", "stop", "destroy", "die", "die"}
	if len(got) != len(want) {
		t.Fatalf("events = %+v, want actions %v", got, want)
	}
	for i, ev := range got {
		if ev.Action != want[i] || ev.ContainerID != "c1" || ev.Name != "botrunner-bot-v3" || !maps.Equal(ev.Labels, labels) ||
			!ev.Time.Equal(time.Unix(1700000000, 123456789)) {
			t.Errorf("event %d = %+v", i, ev)
		}
	}
	if got[1].ExitCode != 3 {
		t.Errorf("die exit code = %d, want 3", got[1].ExitCode)
	}
	for _, ev := range got[5:] {
		if ev.ExitCode != runtime.ExitUnknown {
			t.Errorf("die without a readable exit code = %d, want runtime.ExitUnknown (never 0: a crash is no clean exit)", ev.ExitCode)
		}
	}
}

// TestEventsFilters: the engine is asked for bot containers' lifecycle
// events only, from a moment before the call (see eventReplay).
func TestEventsFilters(t *testing.T) {
	f := &fakeClient{eventsEnd: io.EOF}
	began := time.Now()
	evs, errc := newTestDriver(f).Events(context.Background())
	_, _ = collect(t, evs, errc)
	o := f.eventOpts[0]
	if !o.Filters["type"]["container"] || !o.Filters["label"][runtime.LabelApp] || len(o.Filters["label"]) != 1 {
		t.Errorf("filters = %v", o.Filters)
	}
	for _, a := range eventActions {
		if !o.Filters["event"][a] {
			t.Errorf("filters = %v, want event=%s", o.Filters, a)
		}
	}
	since, err := time.Parse(time.RFC3339Nano, o.Since)
	if err != nil || since.After(began) || began.Sub(since) > eventReplay+time.Second {
		t.Errorf("since = %q (%v), want about %v before %v", o.Since, err, eventReplay, began)
	}
}

// TestEventsCancel: cancelling ends the stream with ctx's error.
func TestEventsCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fakeClient{events: []events.Message{message(events.ActionStart, "c1", map[string]string{runtime.LabelApp: "bot"})}}
	evs, errc := newTestDriver(f).Events(ctx)
	if ev := <-evs; ev.Action != "start" {
		t.Fatalf("first event %+v", ev)
	}
	cancel()
	if _, err := collect(t, evs, errc); !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v, want context.Canceled", err)
	}
}
