package botwatch

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/botrunner/botrunner/gateway"
	"github.com/botrunner/botrunner/internal/logging"
	"github.com/botrunner/botrunner/notify"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/telegram"
)

// Store is what the watcher needs of package store.
type Store interface {
	App(name string) (store.App, error)
	Config(app string) (map[string]string, error)
	Bot(app string) (store.Bot, bool, error)
	SetBot(app string, b *store.Bot) error
}

// Notifier hears events; it must not block (notify.Notifier).
type Notifier interface {
	Notify(e notify.Event)
}

// ConflictFresh is how long a seen 409 keeps `status` at conflict: every
// framework retries within seconds, so an older one is over.
const ConflictFresh = 2 * time.Minute

// webhookTimeout bounds the webhook check a push waits for.
const webhookTimeout = 5 * time.Second

// Watcher is one gitd's watch over its bots. Safe for concurrent use.
type Watcher struct {
	st     Store
	tg     *telegram.Client
	notify Notifier
	log    *slog.Logger
	now    func() time.Time

	logs  LogSink // set by Sink; the last lines of a crash come from it
	gw    *gateway.Gateway
	gwURL string

	mu        sync.Mutex
	conflicts map[string]Conflict
}

// Conflict is the last 409 seen in an app's output.
type Conflict struct {
	Kind    telegram.Conflict
	At      time.Time
	Release int
}

// New returns a watcher; n nil means nobody is notified, gw nil that no
// gateway runs (gwURL is its address as bots reach it).
func New(st Store, tg *telegram.Client, n Notifier, gw *gateway.Gateway, gwURL string, log *slog.Logger) *Watcher {
	return &Watcher{st: st, tg: tg, notify: n, log: logging.Component(log, "botwatch"), now: time.Now,
		conflicts: map[string]Conflict{}, gw: gw, gwURL: gwURL}
}

// ConflictOf is the app's conflict if one was seen within ConflictFresh,
// in its output or, for apps behind the gateway, in Telegram's answers.
func (w *Watcher) ConflictOf(app string) (Conflict, bool) {
	if s, ok := w.gatewayStats(app); ok && !s.LastConflict.IsZero() && w.now().Sub(s.LastConflict) <= ConflictFresh {
		return Conflict{Kind: telegram.OtherPoller, At: s.LastConflict}, true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.conflicts[app]
	if !ok || w.now().Sub(c.At) > ConflictFresh {
		return Conflict{}, false
	}
	return c, true
}

// ConflictHint is what `status` and the notice say about a conflict.
func ConflictHint(k telegram.Conflict, app string) string {
	if k == telegram.WebhookActive {
		return fmt.Sprintf("Telegram refuses getUpdates while a webhook is set: run `telegram:webhook-delete %s`", app)
	}
	return "another process polls this token — an old host, a laptop? Stop it, or revoke the token in @BotFather and set the new one"
}

// sawLine notes a line of app's output.
func (w *Watcher) sawLine(app string, release int, text string) {
	if k := telegram.ConflictIn(text); k != telegram.NoConflict {
		w.noteConflict(app, release, k, w.now())
	}
}

// noteConflict records a 409 seen at now and tells the owner, once per run
// of them.
func (w *Watcher) noteConflict(app string, release int, k telegram.Conflict, now time.Time) {
	w.mu.Lock()
	prev, had := w.conflicts[app]
	w.conflicts[app] = Conflict{Kind: k, At: now, Release: release}
	w.mu.Unlock()
	if had && now.Sub(prev.At) <= ConflictFresh && prev.Kind == k {
		return // the same conflict, still going: told already
	}
	w.log.Warn("409 conflict in the bot's output", "app", app, "release", release)
	if w.notify != nil {
		w.notify.Notify(notify.Event{App: app, Kind: notify.Conflict, Text: "409 Conflict: " + ConflictHint(k, app)})
	}
}

// CheckWebhook asks Telegram whether app's bot has a webhook set, records
// the answer and, when one is set, tells out. Nothing is said when the app
// has no token or Telegram cannot be reached.
func (w *Watcher) CheckWebhook(ctx context.Context, app string, out io.Writer) {
	cfg, err := w.st.Config(app)
	name := telegram.PrimaryVar(cfg)
	if err != nil || name == "" || w.tg == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	info, err := w.tg.GetWebhookInfo(ctx, cfg[name])
	if err != nil {
		w.log.Info("webhook check", "app", app, "err", err)
		return
	}
	if info.URL != "" {
		fmt.Fprintf(out, "-----> warning: %s\n", telegram.WebhookHint(info.URL, app))
	}
	b, ok, err := w.st.Bot(app)
	if err != nil || !ok {
		b = store.Bot{Var: name}
	}
	b.Webhook, b.WebhookChecked = info.URL, w.now().UTC().Truncate(time.Second)
	if err := w.st.SetBot(app, &b); err != nil {
		w.log.Error("record bot", "app", app, "err", err)
	}
}
