package command

import (
	"fmt"
	"io"
)

var appsCmd = &command{
	name:    "apps",
	aliases: []string{"list"},
	summary: "list the apps you can use (admins: all apps)",
	run:     runApps,
}

func runApps(c *call) error {
	apps, err := c.d.Auth.VisibleApps(c.id())
	if err != nil {
		return err
	}
	list := make([]appJSON, 0, len(apps))
	for _, a := range apps {
		j := c.appJSON(a)
		if c.d.Bots != nil {
			if s, err := c.status(a.Name); err == nil {
				j.State = s.State
			}
		}
		list = append(list, j)
	}
	return c.emit(list, func(w io.Writer) {
		if len(list) == 0 {
			fmt.Fprintln(w, "no apps yet; create one with `apps:create <app>` or by pushing to a new name")
			return
		}
		if c.d.Bots == nil { // a git-only server has no state to show
			row(w, "NAME", "OWNER", "ROLE", "CREATED")
			for _, a := range list {
				row(w, a.Name, a.Owner, a.Role, a.Created)
			}
			return
		}
		row(w, "NAME", "OWNER", "ROLE", "STATE", "CREATED")
		for _, a := range list {
			row(w, a.Name, a.Owner, a.Role, a.State, a.Created)
		}
	})
}
