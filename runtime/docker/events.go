package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
)

var _ runtime.EventSource = (*Driver)(nil)

// eventActions are the container actions Events reports; the engine drops
// the others (kill, attach, exec_*, health_status, …) before sending.
var eventActions = []string{runtime.ActionStart, runtime.ActionDie, runtime.ActionOOM, runtime.ActionStop, runtime.ActionDestroy}

// eventReplay is how far before the call the stream starts. The engine
// flushes the response headers before it subscribes, so an event in that
// gap would be lost; asking for the recent past makes it replay the gap from
// its buffer, atomically with the subscription. The repeats are harmless to
// consumers (see runtime.EventSource).
const eventReplay = time.Second

// nonLabels are the attributes the engine adds to a container event beside
// the container's labels.
var nonLabels = []string{"name", "image", "exitCode", "execDuration", "signal"}

// Events streams the lifecycle events of containers labelled
// runtime.LabelApp (see runtime.EventSource).
func (d *Driver) Events(ctx context.Context) (<-chan runtime.Event, <-chan error) {
	f := make(client.Filters).
		Add("type", string(events.ContainerEventType)).
		Add("label", runtime.LabelApp).
		Add("event", eventActions...)
	res := d.c.Events(ctx, client.EventsListOptions{
		Since:   time.Now().Add(-eventReplay).UTC().Format(time.RFC3339Nano),
		Filters: f,
	})
	out := make(chan runtime.Event)
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		defer close(out)
		errc <- forward(ctx, res, out)
	}()
	return out, errc
}

// forward translates the engine's messages until its stream ends. Leaving
// on ctx is safe: the client's goroutine gives up on ctx as well.
func forward(ctx context.Context, res client.EventsResult, out chan<- runtime.Event) error {
	for {
		select {
		case m := <-res.Messages:
			ev, ok := toEvent(m)
			if !ok {
				continue
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return ctx.Err()
			}
		case err := <-res.Err:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err == nil || errors.Is(err, io.EOF) {
				err = ErrEventStreamEnded
			}
			return fmt.Errorf("container events: %w", err)
		}
	}
}

// exitCode reads a die event's exit code. One the engine did not give (or
// gave garbled) is runtime.ExitUnknown, never 0: a crash must not pass for
// a clean exit.
func exitCode(attr string) int {
	code, err := strconv.Atoi(attr)
	if err != nil || code < 0 {
		return runtime.ExitUnknown
	}
	return code
}

// toEvent converts a container event of one of eventActions.
func toEvent(m events.Message) (runtime.Event, bool) {
	action := string(m.Action)
	if m.Type != events.ContainerEventType || !slices.Contains(eventActions, action) {
		return runtime.Event{}, false
	}
	ev := runtime.Event{
		ContainerID: m.Actor.ID,
		Name:        m.Actor.Attributes["name"],
		Action:      action,
		Labels:      map[string]string{},
	}
	for k, v := range m.Actor.Attributes {
		if !slices.Contains(nonLabels, k) {
			ev.Labels[k] = v
		}
	}
	if action == runtime.ActionDie {
		ev.ExitCode = exitCode(m.Actor.Attributes["exitCode"])
	}
	switch {
	case m.TimeNano != 0:
		ev.Time = time.Unix(0, m.TimeNano)
	case m.Time != 0:
		ev.Time = time.Unix(m.Time, 0)
	}
	return ev, true
}
