package command

import (
	"context"
	"fmt"
	"io"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/notify"
)

var notifyCmd = &command{
	name:    "notify",
	args:    []string{appArg},
	summary: "show where the app's notices (deploys, crashes, conflicts) go",
	run:     runNotify,
}

var notifySetCmd = &command{
	name:    "notify:set",
	args:    []string{appArg, "target=value..."},
	summary: "send notices to telegram=CHAT_ID (with the app's own bot) and/or webhook=https://… (JSON POST); key= removes one",
	run:     runNotifySet,
}

var notifyTestCmd = &command{
	name:    "notify:test",
	args:    []string{appArg},
	summary: "send a test notice to the app's targets now",
	run:     runNotifyTest,
}

// ErrNoNotices is notify:test without a target or on a server that sends none.
var ErrNoNotices = hint.New("NO_NOTIFY_TARGET", "the app has nowhere to send notices",
	"set one: notify:set <app> telegram=CHAT_ID (your chat with the bot: send it /start, then use your user id)")

// Notifier sends notices (notify.Notifier).
type Notifier interface {
	Send(ctx context.Context, e notify.Event) error
}

type notifyJSON struct {
	App      string `json:"app"`
	Telegram string `json:"telegram"`
	Webhook  string `json:"webhook"`
}

func runNotify(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Read)
	if err != nil {
		return err
	}
	t, err := c.d.Store.NotifyTargets(app.Name)
	if err != nil {
		return err
	}
	return c.showNotify(notifyJSON{App: app.Name, Telegram: t.Chat, Webhook: t.Webhook})
}

func (c *call) showNotify(out notifyJSON) error {
	return c.emit(out, func(w io.Writer) {
		or := func(v string) string {
			if v == "" {
				return "-"
			}
			return v
		}
		row(w, "telegram", or(out.Telegram))
		row(w, "webhook", or(out.Webhook))
	})
}

func runNotifySet(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Manage)
	if err != nil {
		return err
	}
	cur, err := c.d.Store.NotifyTargets(app.Name)
	if err != nil {
		return err
	}
	t, err := notify.SetTargets(cur, c.p.pos[1:])
	if err != nil {
		return err
	}
	if err := c.d.Store.SetNotifyTargets(app.Name, t); err != nil {
		return appGone(err)
	}
	c.log.Info("notice targets changed", "app", app.Name, "by", c.id().String())
	return c.showNotify(notifyJSON{App: app.Name, Telegram: t.Chat, Webhook: t.Webhook})
}

func runNotifyTest(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Manage)
	if err != nil {
		return err
	}
	t, err := c.d.Store.NotifyTargets(app.Name)
	if err != nil {
		return err
	}
	if c.d.Notify == nil || (t.Chat == "" && t.Webhook == "") {
		return ErrNoNotices
	}
	e := notify.Event{App: app.Name, Kind: notify.Test, Text: "notices from " + app.Name + " reach you", Time: now()}
	if err := c.d.Notify.Send(c.env.Ctx, e); err != nil {
		return err
	}
	return c.emit(map[string]bool{"sent": true}, func(w io.Writer) { fmt.Fprintln(w, "test notice sent") })
}
