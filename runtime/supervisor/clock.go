package supervisor

import (
	"maps"
	"time"
)

// Clock is where the supervisor reads the time and sets its timers (restart
// backoff, run-time limit, reconnect delay), so tests can drive them.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine (or the caller of a test
	// clock's Advance) once d has passed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc.
type Timer interface {
	Stop() bool
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time                            { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Option configures a Supervisor beyond New's arguments.
type Option func(*Supervisor)

// WithClock replaces the wall clock (tests).
func WithClock(c Clock) Option {
	return func(s *Supervisor) { s.clock = c }
}

// WithLabels narrows the supervisor to bot containers that carry these
// labels too (an empty value: the key with any value), e.g. one gitd's
// instance label on a shared engine, or one test's labels.
func WithLabels(labels map[string]string) Option {
	return func(s *Supervisor) { s.scope = maps.Clone(labels) }
}
