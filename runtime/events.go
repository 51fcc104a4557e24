package runtime

import (
	"context"
	"time"
)

// The actions an Event reports. Engines report more; drivers drop the rest.
const (
	ActionStart   = "start"   // a run began
	ActionDie     = "die"     // a run ended, whatever ended it (ExitCode is set)
	ActionOOM     = "oom"     // the kernel's OOM killer struck; a "die" follows
	ActionStop    = "stop"    // a Stop finished (after its "die")
	ActionDestroy = "destroy" // the container was removed
)

// Event is one thing that happened to a bot container (one labelled
// LabelApp).
type Event struct {
	ContainerID string
	Name        string            // the container's name, without a leading "/"; "" if the engine did not say
	Action      string            // one of the Action* constants
	Labels      map[string]string // the container's labels
	ExitCode    int               // for "die": how the run ended (137 for a kill, 143 for SIGTERM; ExitUnknown if the engine did not say)
	Time        time.Time         // the engine's clock
}

// EventSource streams the lifecycle events of bot containers: every
// container carrying the LabelApp label, whatever its value.
//
// The stream runs until ctx ends or the engine connection drops; then one
// error is sent on the error channel (ctx's error, or why the stream
// failed) and both channels are closed. Events sent before that error are
// delivered first. Events may be lost while nobody listens, and a stream may
// begin by repeating a few events from just before the call (an engine's
// subscription is not atomic with the call): consumers re-list the
// containers after (re)subscribing and treat events as hints, not as a
// ledger.
//
// Every driver implements it; the conformance suite checks "start" and
// "die" with the exit code.
type EventSource interface {
	Events(ctx context.Context) (<-chan Event, <-chan error)
}

// ExitUnknown is the exit code of a run whose end the engine reported
// without a readable code. It is not 0, so it counts as a crash.
const ExitUnknown = -1
