package scheduler

import (
	"strconv"
	"time"
)

// EventKind is what happened to a bot.
type EventKind string

// What Run reports. Deploy, Start, Restart, Stop and Converge are the
// caller's own doings and are not reported.
const (
	// EventStarted: the scheduler started the bot again after a crash.
	EventStarted EventKind = "started"
	// EventRunning: the bot runs, as found after each (re)connection to the
	// engine, the first (adoption) included. Output followed before may
	// have ended meanwhile: follow it again.
	EventRunning EventKind = "running"
	// EventExited: a run ended on its own (a crash; code 0 included: a bot
	// runs until stopped). ExitCode, OOMKilled and NextRestart are set.
	EventExited EventKind = "exited"
	// EventTimedOut: the run-time limit was reached; the bot is being
	// stopped and stays stopped until Start, Restart or a Deploy.
	EventTimedOut EventKind = "timeout"
)

// Event is one thing that happened to an app's bot.
type Event struct {
	Kind        EventKind
	App         string
	Release     int
	Instance    string // the run it is about
	ExitCode    int
	OOMKilled   bool
	NextRestart time.Time // EventExited: when the crash restart is due
	// EventExited: the crashes in a row, this one included; above 1 the
	// restart is backed off (a longer run than the restart reset forgets).
	Crashes int
}

// Handler hears Run's events, one at a time from Run's goroutine; it should
// return quickly and may call the scheduler's Status.
type Handler interface {
	BotEvent(Event)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(Event)

// BotEvent calls f.
func (f HandlerFunc) BotEvent(e Event) { f(e) }

func itoa(n int) string { return strconv.Itoa(n) }
