package command

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/telegram"
)

var webhookDeleteCmd = &command{
	name:    "telegram:webhook-delete",
	args:    []string{appArg},
	summary: "delete the bot's Telegram webhook, so that polling (getUpdates) works again",
	run:     runWebhookDelete,
}

// ErrNoBotToken is a Telegram command on an app without a token var.
var ErrNoBotToken = hint.New("NO_BOT_TOKEN", "the app has no bot token",
	"set one first: config:set <app> BOT_TOKEN=123456789:AA… (from @BotFather)")

// checkTokens asks Telegram about each token-valued var being set, before
// anything is stored: a refused token stops the whole change, an
// unreachable API only warns.
func (c *call) checkTokens(app string, set map[string]string, out io.Writer) ([]telegram.Checked, error) {
	if c.d.Telegram == nil {
		return nil, nil
	}
	var checked []telegram.Checked
	for _, name := range telegram.TokenVars(set) {
		ch, err := c.d.Telegram.Check(c.env.Ctx, name, set[name])
		if err != nil {
			return nil, err
		}
		if ch.Unchecked != nil {
			fmt.Fprintf(out, "warning: %s was not checked with Telegram (%v); stored as it is\n", name, ch.Unchecked)
		} else {
			fmt.Fprintf(out, "%s: bot %s\n", name, ch.Bot.Name())
			if ch.Webhook.URL != "" {
				fmt.Fprintf(out, "warning: %s\n", telegram.WebhookHint(ch.Webhook.URL, app))
			}
		}
		checked = append(checked, ch)
	}
	return checked, nil
}

// verifiedBots are the bot ids Telegram confirmed among the tokens being
// set: getMe answered, with the id the token names.
func verifiedBots(set map[string]string, checked []telegram.Checked) []string {
	var ids []string
	for _, ch := range checked {
		if id := telegram.BotID(set[ch.Var]); id != "" && ch.Bot.ID != 0 && strconv.FormatInt(ch.Bot.ID, 10) == id {
			ids = append(ids, id)
		}
	}
	return ids
}

// recordBot keeps what Telegram said about the app's bot once a config
// change is stored: the primary token var's check, or nothing when no token
// var is left. A record of a var the change did not touch stays.
func (c *call) recordBot(app string, cfg map[string]string, checked []telegram.Checked) {
	primary := telegram.PrimaryVar(cfg)
	old, had, _ := c.d.Store.Bot(app)
	var b *store.Bot
	switch {
	case primary == "":
	case had && old.Var == primary && !touched(checked, primary):
		return
	default:
		b = &store.Bot{Var: primary}
		for _, ch := range checked {
			if ch.Var == primary && ch.Unchecked == nil {
				b.ID, b.Username, b.Webhook = ch.Bot.ID, ch.Bot.Username, ch.Webhook.URL
				b.Checked, b.WebhookChecked = now(), now()
			}
		}
	}
	if err := c.d.Store.SetBot(app, b); err != nil {
		c.log.Error("record bot", "app", app, "err", err)
	}
}

func now() time.Time { return time.Now().UTC().Truncate(time.Second) }

func touched(checked []telegram.Checked, name string) bool {
	for _, ch := range checked {
		if ch.Var == name {
			return true
		}
	}
	return false
}

// botJSON is the bot as config, status and apps:info show it.
type botJSON struct {
	Var      string `json:"var"`
	ID       int64  `json:"id,omitempty"`
	Username string `json:"username,omitempty"`
	Checked  string `json:"checked,omitempty"`
	Webhook  string `json:"webhook,omitempty"`
}

// bot is what is known of app's bot; nil when it has no token var.
func (c *call) bot(app string) *botJSON {
	b, ok, err := c.d.Store.Bot(app)
	if err != nil || !ok {
		return nil
	}
	return &botJSON{Var: b.Var, ID: b.ID, Username: b.Username, Checked: stamp(b.Checked), Webhook: b.Webhook}
}

// botRows writes the bot's lines of a text listing.
func botRows(w io.Writer, b *botJSON, app string) {
	if b == nil {
		return
	}
	if b.ID == 0 {
		row(w, "bot", fmt.Sprintf("from %s, not checked with Telegram yet", b.Var))
		return
	}
	row(w, "bot", fmt.Sprintf("%s from %s", telegram.User{ID: b.ID, Username: b.Username}.Name(), b.Var))
	if b.Webhook != "" {
		row(w, "webhook", telegram.WebhookHint(b.Webhook, app))
	}
}

func runWebhookDelete(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Push)
	if err != nil {
		return err
	}
	cfg, err := c.d.Store.Config(app.Name)
	if err != nil {
		return appGone(err)
	}
	name := telegram.PrimaryVar(cfg)
	if name == "" || c.d.Telegram == nil {
		return ErrNoBotToken
	}
	if err := c.d.Telegram.DeleteWebhook(c.env.Ctx, cfg[name]); err != nil {
		return err
	}
	c.log.Info("webhook deleted", "app", app.Name, "by", c.id().String())
	if b, ok, _ := c.d.Store.Bot(app.Name); ok {
		b.Webhook, b.WebhookChecked = "", now()
		if err := c.d.Store.SetBot(app.Name, &b); err != nil {
			c.log.Error("record bot", "app", app.Name, "err", err)
		}
	}
	return c.emit(map[string]any{"app": app.Name, "webhook": ""}, func(w io.Writer) {
		fmt.Fprintf(w, "%s: webhook deleted; the bot can poll (getUpdates) again\n", app.Name)
	})
}
