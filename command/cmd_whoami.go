package command

import "io"

var whoamiCmd = &command{
	name:    "whoami",
	summary: "show who the key you connected with belongs to",
	anyKey:  true,
	run:     runWhoami,
}

type whoamiJSON struct {
	User        string `json:"user"`       // "" for a deploy key
	Role        string `json:"role"`       // "admin", "user" or "deploy_key"
	DeployApp   string `json:"deploy_app"` // the app of a deploy key, else ""
	Fingerprint string `json:"fingerprint"`
}

func runWhoami(c *call) error {
	id := c.id()
	out := whoamiJSON{User: id.User, Role: "user", DeployApp: id.DeployApp, Fingerprint: id.Fingerprint}
	switch {
	case id.DeployApp != "":
		out.Role = "deploy_key"
	case id.Admin:
		out.Role = "admin"
	}
	return c.emit(out, func(w io.Writer) {
		row(w, "user", id.String())
		row(w, "role", out.Role)
		row(w, "key", out.Fingerprint)
	})
}
