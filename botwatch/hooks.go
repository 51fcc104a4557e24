package botwatch

import (
	"fmt"
	"strings"
	"time"

	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/notify"
	"github.com/botrunner/botrunner/scheduler"
)

// lastLines is how many of a crashed bot's lines a notice quotes.
const lastLines = 5

// BotEvent hears the scheduler's events (deploy.Config.Events) and
// turns crashes and the run-time limit into notices.
func (w *Watcher) BotEvent(e scheduler.Event) {
	switch e.Kind {
	case scheduler.EventExited:
		w.crashed(e)
	case scheduler.EventTimedOut:
		w.tell(e.App, notify.Timeout, fmt.Sprintf("v%d reached the run-time limit and was stopped; `start %s` begins a new period", e.Release, e.App))
	}
}

// crashed: the first crash in a row is "crashed"; the ones after it,
// restarted later each time, are "backing off". The count, not the delay,
// decides: the delays are the admin's (GITD_RESTART_DELAY).
func (w *Watcher) crashed(e scheduler.Event) {
	why := fmt.Sprintf("v%d exited with code %d", e.Release, e.ExitCode)
	if e.OOMKilled {
		why = fmt.Sprintf("v%d was killed: out of memory (code %d)", e.Release, e.ExitCode)
	}
	wait := time.Until(e.NextRestart).Round(time.Second)
	kind := notify.Crashed
	if e.Crashes > 1 {
		kind = notify.BackingOff
		why = fmt.Sprintf("%s, %d crashes in a row", why, e.Crashes)
	}
	text := fmt.Sprintf("%s; restarting in %s", why, wait)
	if tail := w.tail(e.App, e.Release); tail != "" {
		text += "\nlast lines:\n" + tail
	}
	w.tell(e.App, kind, text)
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
