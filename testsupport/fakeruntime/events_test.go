package fakeruntime_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

func botSpec(image string) runtime.Spec {
	return runtime.Spec{Image: image, User: "1000:1000", Labels: runtime.Labels("bot", "ann", 1)}
}

// next returns the next event, or fails after a while.
func next(t *testing.T, evs <-chan runtime.Event) runtime.Event {
	t.Helper()
	select {
	case ev, ok := <-evs:
		if !ok {
			t.Fatal("stream closed")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	return runtime.Event{}
}

func actions(t *testing.T, evs <-chan runtime.Event, n int) []string {
	t.Helper()
	var got []string
	for range n {
		ev := next(t, evs)
		got = append(got, ev.Action)
		if ev.Action == runtime.ActionDie {
			got = append(got, "code="+strconv.Itoa(ev.ExitCode))
		}
	}
	return got
}

// TestEventsScripted: exits scripted by a Behaviour, OOM kills, Stop and
// Remove are all reported, with the clock SetClock gives.
func TestEventsScripted(t *testing.T) {
	d := fakeruntime.New()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	d.SetClock(func() time.Time { return at })
	d.Image("crash", fakeruntime.Behaviour{ExitAfter: 10 * time.Millisecond, ExitCode: 3})
	d.Image("oom", fakeruntime.Behaviour{OOM: true})
	d.Image("sleep", fakeruntime.Behaviour{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	evs, errc := d.Events(ctx)
	for _, tc := range []struct {
		image string
		want  string
	}{
		{"crash", "start die code=3"},
		{"oom", "start oom die code=137"},
	} {
		id, _ := d.Create(ctx, botSpec(tc.image))
		if err := d.Start(ctx, id); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(actions(t, evs, len(strings.Fields(tc.want))-1), " "); got != tc.want {
			t.Errorf("%s: events %q, want %q", tc.image, got, tc.want)
		}
		if st, _ := d.Inspect(ctx, id); !st.StartedAt.Equal(at) || !st.FinishedAt.Equal(at) {
			t.Errorf("%s: times %v %v, want the SetClock time", tc.image, st.StartedAt, st.FinishedAt)
		}
	}
	id, _ := d.Create(ctx, botSpec("sleep"))
	_ = d.Start(ctx, id)
	_ = d.Stop(ctx, id, time.Second)
	_ = d.Remove(ctx, id)
	if got := strings.Join(actions(t, evs, 4), " "); got != "start die code=143 stop destroy" {
		t.Errorf("start/stop/remove: events %q", got)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v", err)
	}
}

// TestEventsUnlabelled: containers that are not bots report nothing.
func TestEventsUnlabelled(t *testing.T) {
	d := fakeruntime.New()
	d.Image("sleep", fakeruntime.Behaviour{})
	ctx := t.Context()
	evs, _ := d.Events(ctx)
	other, _ := d.Create(ctx, spec("sleep"))
	_ = d.Start(ctx, other)
	bot, _ := d.Create(ctx, botSpec("sleep"))
	_ = d.Start(ctx, bot)
	if ev := next(t, evs); ev.ContainerID != bot || ev.Labels[runtime.LabelApp] != "bot" {
		t.Errorf("first event %+v, want the bot's start", ev)
	}
}

// TestEventsDrop: DropEvents ends open streams after what they queued;
// Fail("events") ends the next one at once; events while nobody listens are
// lost.
func TestEventsDrop(t *testing.T) {
	d := fakeruntime.New()
	d.Image("sleep", fakeruntime.Behaviour{})
	ctx := t.Context()
	evs, errc := d.Events(ctx)
	if d.EventStreams() != 1 {
		t.Fatalf("EventStreams = %d", d.EventStreams())
	}
	id, _ := d.Create(ctx, botSpec("sleep"))
	_ = d.Start(ctx, id)
	boom := errors.New("engine restarted")
	d.DropEvents(boom)
	_ = d.Exit(id, 1) // nobody listens: lost
	if ev := next(t, evs); ev.Action != runtime.ActionStart {
		t.Errorf("queued event %+v, want start", ev)
	}
	if _, ok := <-evs; ok {
		t.Error("stream not closed after the drop")
	}
	if err := <-errc; !errors.Is(err, boom) {
		t.Errorf("drop error %v", err)
	}
	d.Fail("events", boom)
	evs, errc = d.Events(ctx)
	if _, ok := <-evs; ok || !errors.Is(<-errc, boom) || d.EventStreams() != 0 {
		t.Error("Fail(events) did not end the stream at once")
	}
	evs, _ = d.Events(ctx)
	_ = d.Start(ctx, id)
	if ev := next(t, evs); ev.Action != runtime.ActionStart {
		t.Errorf("after resubscribing: %+v, want start (the lost die stays lost)", ev)
	}
}
