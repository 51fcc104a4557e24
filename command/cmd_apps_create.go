package command

import (
	"errors"
	"fmt"
	"io"
)

var appsCreateCmd = &command{
	name:    "apps:create",
	args:    []string{appArg},
	summary: "create an empty app (pushing to a new name does this too)",
	run:     runAppsCreate,
}

func runAppsCreate(c *call) error {
	name := c.p.arg(0)
	app, err := c.d.Auth.CreateApp(c.id(), name)
	if err != nil {
		return err
	}
	if err := c.d.Repos.Create(name); err != nil {
		// Without a repo the record would be an app nobody can push to;
		// take it back so the name can be tried again.
		if derr := c.d.Store.DeleteApp(name); derr != nil {
			return errors.Join(fmt.Errorf("create repo %s: %w", name, err), fmt.Errorf("roll back app: %w", derr))
		}
		return fmt.Errorf("create repo %s: %w", name, err)
	}
	c.log.Info("app created", "app", name, "owner", app.Owner)
	out := c.appJSON(app)
	return c.emit(out, func(w io.Writer) {
		fmt.Fprintf(w, "created %s\n", name)
		if out.GitURL != "" {
			fmt.Fprintf(w, "add it as a remote: git remote add bots %s\n", out.GitURL)
			fmt.Fprintln(w, "then push to it:    git push bots main")
			return
		}
		fmt.Fprintln(w, "push to it: git push <remote> main")
	})
}
