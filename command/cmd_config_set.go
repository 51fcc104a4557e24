package command

import (
	"fmt"
	"io"
	"strings"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/store"
)

var noRestartFlag = flagSpec{name: "no-restart", help: "store the change only; it applies at the next deploy or restart"}

var configSetCmd = &command{
	name:    "config:set",
	args:    []string{appArg, "name=value..."},
	flags:   []flagSpec{noRestartFlag},
	summary: "set config vars; the bot restarts with them as a new release (unless --no-restart)",
	run: func(c *call) error {
		set := map[string]string{}
		for i, kv := range c.p.pos[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				// Not echoed: a value split by the shell would show a secret.
				return ErrUsage.With(fmt.Sprintf("argument %d is not NAME=value (quote values with spaces)", i+1), nil)
			}
			set[k] = v
		}
		return changeConfig(c, set, nil)
	},
}

var configUnsetCmd = &command{
	name:    "config:unset",
	args:    []string{appArg, "name..."},
	flags:   []flagSpec{noRestartFlag},
	summary: "remove config vars; the bot restarts without them as a new release (unless --no-restart)",
	run:     func(c *call) error { return changeConfig(c, nil, c.p.pos[1:]) },
}

// changeConfig stores the change (all or nothing, checked by the store),
// then releases it unless --no-restart or nothing changed.
func changeConfig(c *call, set map[string]string, unset []string) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Push)
	if err != nil {
		return err
	}
	prev, err := c.d.Store.Config(app.Name)
	if err != nil {
		return appGone(err)
	}
	out := c.env.Stdout
	if c.json {
		out = c.env.Stderr
	}
	checked, err := c.checkTokens(app.Name, set, out)
	if err != nil {
		return err
	}
	upd, err := c.d.Store.UpdateConfigVerified(app.Name, set, unset, verifiedBots(set, checked))
	if err != nil {
		return appGone(err)
	}
	for _, id := range upd.TookOver {
		c.log.Warn("bot taken over from an unverified claim", "app", app.Name, "bot_id", id, "by", c.id().String())
	}
	c.recordBot(app.Name, upd.Config, checked)
	for _, m := range upd.Missing {
		fmt.Fprintf(out, "%s was not set\n", m)
	}
	c.log.Info("config changed", "app", app.Name, "change", upd.Change, "by", c.id().String())
	switch {
	case upd.Change == "":
		fmt.Fprintln(out, "nothing changed")
	case c.p.bools["no-restart"] || c.d.Bots == nil:
		fmt.Fprintf(out, "%s: %s (applies at the next deploy or restart)\n", app.Name, upd.Change)
	default:
		if err := c.d.Bots.Reconfigure(c.env.Ctx, app, upd.Change, c.id().String(), out); err != nil {
			c.revertConfig(app.Name, prev, upd.Config, out)
			return err
		}
	}
	if !c.json {
		return nil
	}
	return writeJSON(c.env.Stdout, struct {
		App    string `json:"app"`
		Change string `json:"change"`
	}{app.Name, upd.Change})
}

// revertConfig puts the config back as it was when the release with the
// change did not start: the running release has the old config, and the
// stored one must match it, not be half-changed.
func (c *call) revertConfig(app string, prev, now map[string]string, out io.Writer) {
	set, unset := store.DiffConfig(now, prev)
	if _, err := c.d.Store.SetConfig(app, set, unset); err != nil {
		c.log.Error("revert config", "app", app, "err", err)
		fmt.Fprintf(out, "the config change could not be reverted: %v\n", err)
		return
	}
	fmt.Fprintln(out, "config change reverted: the bot did not start with it")
}
