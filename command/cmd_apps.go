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
		list = append(list, c.appJSON(a))
	}
	return c.emit(list, func(w io.Writer) {
		if len(list) == 0 {
			fmt.Fprintln(w, "no apps yet; create one with `apps:create <app>` or by pushing to a new name")
			return
		}
		row(w, "NAME", "OWNER", "ROLE", "CREATED")
		for _, a := range list {
			row(w, a.Name, a.Owner, a.Role, a.Created)
		}
	})
}
