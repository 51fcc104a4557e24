package command

import (
	"io"

	"github.com/botrunner/botrunner/auth"
)

var appsInfoCmd = &command{
	name:    "apps:info",
	args:    []string{appArg},
	summary: "show an app's owner, collaborators and creation time",
	run:     runAppsInfo,
}

func runAppsInfo(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Read)
	if err != nil {
		return err
	}
	out := c.appJSON(app)
	login, hasLogin, err := c.d.Store.RegistryLogin(app.Name)
	if err != nil {
		return err
	}
	if hasLogin {
		out.RegistryLogin = login.String()
	}
	out.Bot = c.bot(app.Name)
	return c.emit(out, func(w io.Writer) {
		row(w, "name", out.Name)
		row(w, "owner", out.Owner)
		row(w, "your role", out.Role)
		row(w, "created", out.Created)
		row(w, "collaborators", joinComma(out.Collaborators))
		if out.GitURL != "" {
			row(w, "git url", out.GitURL)
		}
		if out.RegistryLogin != "" {
			row(w, "registry login", out.RegistryLogin)
		}
		botRows(w, out.Bot, out.Name)
	})
}
