package command

import (
	"io"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/store"
)

// The ps commands: one action each on the app's current release, for
// everyone who may push to the app.

var stopCmd = botCmd("stop", "stop an app's bot; it stays stopped (no crash restarts) until start or a deploy",
	func(c *call, app store.App, out io.Writer) error {
		return c.d.Bots.Stop(c.env.Ctx, app, c.id().String(), out)
	})

var startCmd = botCmd("start", "start an app's bot again (config stored with --no-restart makes a new release)",
	func(c *call, app store.App, out io.Writer) error {
		return c.d.Bots.Start(c.env.Ctx, app, c.id().String(), out)
	})

var restartCmd = botCmd("restart", "restart an app's bot (config stored with --no-restart makes a new release)",
	func(c *call, app store.App, out io.Writer) error {
		return c.d.Bots.Restart(c.env.Ctx, app, c.id().String(), out)
	})

var rebuildCmd = botCmd("rebuild", "build the current release's commit again and deploy it as a new release",
	func(c *call, app store.App, out io.Writer) error {
		return c.d.Bots.Rebuild(c.env.Ctx, app, c.id().String(), out)
	})

func botCmd(name, summary string, do func(c *call, app store.App, out io.Writer) error) *command {
	return &command{name: name, args: []string{appArg}, summary: summary, run: func(c *call) error {
		return botAction(c, auth.Push, func(app store.App, out io.Writer) error { return do(c, app, out) })
	}}
}
