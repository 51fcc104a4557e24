package botwatch

import (
	"fmt"
	"strings"
	"time"

	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/notify"
	"github.com/botrunner/botrunner/runtime/supervisor"
)

// lastLines is how many of a crashed bot's lines a notice quotes.
const lastLines = 5

// Hooks returns next (the deploy engine's supervisor hooks) with crash,
// back-off and run-time limit notices added.
func (w *Watcher) Hooks(next supervisor.Hooks) supervisor.Hooks { return &hooks{Hooks: next, w: w} }

type hooks struct {
	supervisor.Hooks
	w *Watcher
}

func (h *hooks) Crashed(app string, release, exit int, oom bool, next time.Time) {
	h.Hooks.Crashed(app, release, exit, oom, next)
	why := fmt.Sprintf("v%d exited with code %d", release, exit)
	if oom {
		why = fmt.Sprintf("v%d was killed: out of memory (code %d)", release, exit)
	}
	wait := time.Until(next).Round(time.Second)
	kind := notify.Crashed
	if wait > backoffAfter {
		kind = notify.BackingOff // it crashed again soon after the last restart
	}
	text := fmt.Sprintf("%s; restarting in %s", why, wait)
	if tail := h.w.tail(app, release); tail != "" {
		text += "\nlast lines:\n" + tail
	}
	h.w.tell(app, kind, text)
}

// backoffAfter: a restart delay above the first one means repeated crashes.
const backoffAfter = 15 * time.Second

func (h *hooks) TimedOut(app string, release int) {
	h.Hooks.TimedOut(app, release)
	h.w.tell(app, notify.Timeout, fmt.Sprintf("v%d reached the run-time limit and was stopped; `start %s` begins a new period", release, app))
}

func (w *Watcher) tell(app, kind, text string) {
	if w.notify != nil {
		w.notify.Notify(notify.Event{App: app, Kind: kind, Text: text})
	}
}

// tail is the release's last few output lines (already redacted by the log
// store), for a crash notice.
func (w *Watcher) tail(app string, release int) string {
	if w.logs == nil {
		return ""
	}
	lines, err := w.logs.Tail(app, logstore.Query{N: 50})
	if err != nil {
		return ""
	}
	var out []string
	for _, l := range lines {
		if l.Release == release && l.Stream != logstore.StreamGitd {
			out = append(out, l.Text)
		}
	}
	if len(out) > lastLines {
		out = out[len(out)-lastLines:]
	}
	return strings.Join(out, "\n")
}
