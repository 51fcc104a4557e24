package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	neturl "net/url"
	"sync"
	"time"

	"github.com/botrunner/botrunner/internal/logging"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/telegram"
)

// Event kinds.
const (
	DeployOK     = "deploy ok"
	DeployFailed = "deploy failed"
	Crashed      = "crashed"
	BackingOff   = "backing off"
	Timeout      = "timeout"
	Conflict     = "conflict"
	Deaf         = "deaf"
	Test         = "test"
)

// Event is something an app's owner should hear about.
type Event struct {
	App  string    `json:"app"`
	Kind string    `json:"kind"`
	Text string    `json:"text"`
	Time time.Time `json:"time"`
}

// Store is what the notifier reads.
type Store interface {
	NotifyTargets(app string) (store.NotifyTargets, error)
	Config(app string) (map[string]string, error)
}

// DefaultWindow is the span in which one message per kind and app goes
// out, unless Options say otherwise.
const DefaultWindow = time.Minute

// Options tune a Notifier; the zero value is the default.
type Options struct {
	// Client posts the webhooks; nil = PublicClient().
	Client *http.Client
	// Window: at most one message per kind and app per Window, the rest
	// folded into one summary when it ends; 0 = DefaultWindow.
	Window time.Duration
}

const (
	queueSize   = 256
	sendTimeout = 10 * time.Second
)

// Notifier queues events, folds them (Run) and sends them from a sender
// per app (senders.go), so one app's dead target delays only its own.
type Notifier struct {
	st     Store
	tg     *telegram.Client
	hc     *http.Client
	window time.Duration
	log    *slog.Logger
	now    func() time.Time
	q      chan Event

	mu    sync.Mutex
	last  map[string]time.Time // app+kind → when a message last went out
	folds map[string][]Event   // app+kind → events held back in the window

	senders
}

// New returns a notifier; tg sends the Telegram notices.
func New(st Store, tg *telegram.Client, o Options, log *slog.Logger) *Notifier {
	if o.Client == nil {
		o.Client = PublicClient()
	}
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	return &Notifier{st: st, tg: tg, hc: o.Client, window: o.Window, log: logging.Component(log, "notify"), now: time.Now,
		q: make(chan Event, queueSize), last: map[string]time.Time{}, folds: map[string][]Event{},
		senders: newSenders()}
}

// Notify queues e; it never blocks. A full queue drops e (logged).
func (n *Notifier) Notify(e Event) {
	if e.Time.IsZero() {
		e.Time = n.now().UTC()
	}
	select {
	case n.q <- e:
	default:
		n.log.Warn("notice dropped: queue full", "app", e.App, "kind", e.Kind)
	}
}

// Run sends queued notices until ctx ends, and the folded summaries when
// their window closes.
func (n *Notifier) Run(ctx context.Context) {
	tick := time.NewTicker(max(n.window/6, 100*time.Millisecond)) // a tiny window must not make a zero tick
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-n.q:
			if n.admit(e) {
				n.dispatch(ctx, e)
			}
		case <-tick.C:
			for _, e := range n.due() {
				n.dispatch(ctx, e)
			}
		}
	}
}

// admit reports whether e goes out now; else it is folded into the
// window's summary.
func (n *Notifier) admit(e Event) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	k := e.App + "\x00" + e.Kind
	if t, ok := n.last[k]; ok && n.now().Sub(t) < n.window && e.Kind != Test {
		n.folds[k] = append(n.folds[k], e)
		return false
	}
	n.last[k] = n.now()
	return true
}

// due are the summaries of windows that closed.
func (n *Notifier) due() []Event {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []Event
	for k, held := range n.folds {
		if n.now().Sub(n.last[k]) < n.window {
			continue
		}
		last := held[len(held)-1]
		last.Text = fmt.Sprintf("%d more in the last %s; the latest: %s", len(held), span(n.window), last.Text)
		out = append(out, last)
		delete(n.folds, k)
		n.last[k] = n.now()
	}
	return out
}

// span reads d as the summary says it: "minute", "5 min", "15s".
func span(d time.Duration) string {
	switch {
	case d == time.Minute:
		return "minute"
	case d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return d.String()
}

// Message is how a notice reads in Telegram.
func Message(e Event) string { return fmt.Sprintf("[%s] %s: %s", e.App, e.Kind, e.Text) }

// send delivers e to the app's targets; failures are logged.
func (n *Notifier) send(ctx context.Context, e Event) {
	if err := n.Send(ctx, e); err != nil {
		n.log.Warn("notice not sent", "app", e.App, "kind", e.Kind, "err", err)
	}
}

// Send delivers e now to the app's targets (notify:test uses it to report
// the outcome); nil when the app has none.
func (n *Notifier) Send(ctx context.Context, e Event) error {
	t, err := n.st.NotifyTargets(e.App)
	if err != nil {
		return err
	}
	var errs []error
	if t.Chat != "" {
		errs = append(errs, n.sendTelegram(ctx, e, t.Chat))
	}
	if t.Webhook != "" {
		errs = append(errs, n.post(ctx, e, t.Webhook))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (n *Notifier) sendTelegram(ctx context.Context, e Event, chat string) error {
	cfg, err := n.st.Config(e.App)
	if err != nil {
		return err
	}
	name := telegram.PrimaryVar(cfg)
	if name == "" || n.tg == nil {
		return ErrNoToken
	}
	return n.tg.SendMessage(ctx, cfg[name], chat, Message(e))
}

// withoutURL is err without the URL a *url.Error puts in front: webhook
// URLs carry their secret in the path (Slack, Discord), and the text is
// logged.
func withoutURL(err error) error {
	var ue *neturl.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func (n *Notifier) post(ctx context.Context, e Event, url string) error {
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return ErrWebhook.With("webhook: the URL cannot be used", nil)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.hc.Do(req)
	if err != nil {
		return ErrWebhook.With(fmt.Sprintf("webhook to %s: %v", req.URL.Host, withoutURL(err)), nil)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return ErrWebhook.With(fmt.Sprintf("webhook answered HTTP %d", resp.StatusCode), nil)
	}
	return nil
}
