package botwatch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/gateway"
	"github.com/botrunner/botrunner/notify"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/telegram"
)

// Gateway defaults.
const (
	DefaultLiveness = 5 * time.Minute
	readyCap        = 2 * time.Minute // a bot that has not polled by then does not
	livenessEvery   = 5 * time.Second
)

// Env is what a bot of app gets for the gateway: TELEGRAM_API pointing at
// it; nil when the app does not use it (deploy.BotGateway).
func (w *Watcher) Env(app store.App) []string {
	if w.gw == nil || !app.Settings.Gateway {
		return nil
	}
	return []string{"TELEGRAM_API=" + w.gwURL}
}

// Ready yields once rel's bot called getUpdates through the gateway after
// since; nil when the app does not use the gateway (deploy.BotGateway).
func (w *Watcher) Ready(ctx context.Context, app store.App, rel store.Release, since time.Time) <-chan error {
	if w.gw == nil || !app.Settings.Gateway {
		return nil
	}
	out := make(chan error, 1)
	token := rel.Config[telegram.PrimaryVar(rel.Config)]
	if telegram.BotID(token) == "" {
		out <- errors.New("no bot token var to watch polling with")
		return out
	}
	limit := max(readyCap, app.Settings.StartCheck)
	// Watched from now on, not from when the goroutine gets to run: the
	// gateway records only watched bots, and a getUpdates that came in
	// between was lost, leaving the check to wait out its limit.
	w.gw.Bot(token)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		if err := w.gw.WaitPolling(ctx, token, since); err != nil {
			out <- fmt.Errorf("no getUpdates within %s", limit)
			return
		}
		out <- nil
	}()
	return out
}

// gatewayStats is what the gateway saw of app's bot.
func (w *Watcher) gatewayStats(app string) (gateway.Stats, bool) {
	if w.gw == nil || w.st == nil {
		return gateway.Stats{}, false
	}
	cfg, err := w.st.Config(app)
	if err != nil {
		return gateway.Stats{}, false
	}
	token := cfg[telegram.PrimaryVar(cfg)]
	if telegram.BotID(token) == "" {
		return gateway.Stats{}, false
	}
	return w.gw.Bot(token)
}

// Polling is "polling, last getUpdates 2 s ago" for status; "" when the
// app is not behind the gateway.
func (w *Watcher) Polling(app store.App) string {
	if w.gw == nil || !app.Settings.Gateway {
		return ""
	}
	s, ok := w.gatewayStats(app.Name)
	if !ok || s.LastGetUpdates.IsZero() {
		return "not polling yet (no getUpdates through the gateway since gitd started)"
	}
	line := fmt.Sprintf("polling, last getUpdates %s ago", w.now().Sub(s.LastGetUpdates).Round(time.Second))
	if s.Conflicts > 0 {
		line += fmt.Sprintf("; %d of %d calls answered 409 Conflict", s.Conflicts, s.Calls)
	} else if s.Errors > 0 {
		line += fmt.Sprintf("; %d of %d calls failed", s.Errors, s.Calls)
	}
	return line
}

func (w *Watcher) lastConflict(app string) (Conflict, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.conflicts[app]
	return c, ok
}

// Restarter restarts a bot (deploy.Engine); a deploy in progress is not
// a deaf bot.
type Restarter interface {
	Restart(ctx context.Context, app store.App, by string, out io.Writer) error
	PhaseOf(app string) deploy.Phase
}

// Apps lists the apps (store.Store).
type Apps interface {
	Apps() ([]store.App, error)
}

// RunLiveness restarts, until ctx ends, every bot behind the gateway that
// has not called getUpdates for its app's liveness, and tells the owner.
// A bot's clock starts at its first getUpdates or at the first look.
func (w *Watcher) RunLiveness(ctx context.Context, apps Apps, bots Restarter) {
	if w.gw == nil {
		return
	}
	seen := map[string]time.Time{} // app → when the watch first saw it up without a poll
	tick := time.NewTicker(livenessEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			all, err := apps.Apps()
			if err != nil {
				continue
			}
			for _, a := range all {
				w.checkLiveness(ctx, a, seen, bots)
			}
		}
	}
}

func (w *Watcher) checkLiveness(ctx context.Context, a store.App, seen map[string]time.Time, bots Restarter) {
	if !a.Settings.Gateway || a.Stopped != "" || a.Current == 0 {
		delete(seen, a.Name)
		return
	}
	if bots.PhaseOf(a.Name) != "" { // the clock starts again after the deploy
		seen[a.Name] = w.now()
		return
	}
	limit := a.Settings.Liveness
	if limit <= 0 {
		limit = DefaultLiveness
	}
	last, _ := w.gatewayStats(a.Name)
	if c, ok := w.lastConflict(a.Name); !last.LastConflict.IsZero() && (!ok || c.At.Before(last.LastConflict)) {
		w.noteConflict(a.Name, a.Current, telegram.OtherPoller, last.LastConflict)
	}
	since := last.LastGetUpdates
	if first, ok := seen[a.Name]; !ok {
		seen[a.Name] = w.now()
		return
	} else if first.After(since) {
		since = first
	}
	if since.IsZero() || w.now().Sub(since) < limit {
		return
	}
	w.log.Warn("deaf bot: no getUpdates", "app", a.Name, "for", w.now().Sub(since).Round(time.Second))
	w.tell(a.Name, notify.Deaf, fmt.Sprintf("v%d made no getUpdates for %s (liveness %s): restarting it", a.Current,
		w.now().Sub(since).Round(time.Second), limit))
	seen[a.Name] = w.now() // a fresh clock for the restarted bot
	if err := bots.Restart(ctx, a, "liveness", io.Discard); err != nil {
		w.log.Error("restart deaf bot", "app", a.Name, "err", err)
	}
}
