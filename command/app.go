package command

import (
	"slices"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/store"
)

// appArg is the positional every per-app command starts with.
const appArg = "app"

// appJSON is an app as apps, apps:info and apps:create print it.
type appJSON struct {
	Name          string   `json:"name"`
	Owner         string   `json:"owner"`
	Role          string   `json:"role"` // the caller's: "owner", "collaborator" or "admin"
	Created       string   `json:"created"`
	Collaborators []string `json:"collaborators"`
	GitURL        string   `json:"git_url"`         // "" when the server does not know its public address
	State         string   `json:"state,omitempty"` // apps only: running, crashed, ...
	// RegistryLogin is apps:info's "alice @ 127.0.0.1:5000" for image mode;
	// never the password.
	RegistryLogin string `json:"registry_login,omitempty"`
	// Bot is apps:info's Telegram bot (getMe's answer), if a var holds a token.
	Bot *botJSON `json:"bot,omitempty"`
}

func (c *call) appJSON(a store.App) appJSON {
	collab := append([]string{}, a.Collaborators...)
	out := appJSON{Name: a.Name, Owner: a.Owner, Role: role(c.id(), a), Created: stamp(a.Created), Collaborators: collab}
	if c.d.RemoteURL != nil {
		out.GitURL = c.d.RemoteURL(a.Name)
	}
	return out
}

// role is what id is to app. Admins who neither own nor collaborate on an
// app see it because they are admins, and are told so.
func role(id auth.Identity, a store.App) string {
	switch {
	case id.User != "" && a.Owner == id.User:
		return "owner"
	case id.User != "" && slices.Contains(a.Collaborators, id.User):
		return "collaborator"
	case id.Admin:
		return "admin"
	}
	return ""
}
