package command

import (
	"io"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/store"
)

// ErrNoRuntime is an action on bots asked of a server that runs none.
var ErrNoRuntime = hint.New("NO_RUNTIME", "this server does not run bots",
	"it hosts git only (GITD_RUNTIME=none); ask its admin")

// botAction runs one action on the app's bot after authorizing act: the
// steps go to stdout (to stderr with --json, which then prints a result).
func botAction(c *call, act auth.Action, do func(app store.App, out io.Writer) error) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), act)
	if err != nil {
		return err
	}
	if c.d.Bots == nil {
		return ErrNoRuntime
	}
	out := c.env.Stdout
	if c.json {
		out = c.env.Stderr
	}
	if err := do(app, out); err != nil {
		return err
	}
	c.log.Info(c.cmd.name, "app", app.Name, "by", c.id().String())
	if !c.json {
		return nil
	}
	s, err := c.status(app.Name)
	if err != nil {
		return err
	}
	return writeJSON(c.env.Stdout, struct {
		App     string `json:"app"`
		State   string `json:"state"`
		Release int    `json:"release"`
	}{app.Name, s.State, s.Release})
}
