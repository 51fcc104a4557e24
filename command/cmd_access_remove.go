package command

import (
	"fmt"
	"io"
	"slices"
)

var accessRemoveCmd = &command{
	name:    "access:remove",
	args:    []string{appArg, "user"},
	summary: "take a collaborator's access to an app away (owner or admin)",
	run:     runAccessRemove,
}

func runAccessRemove(c *call) error {
	app, user, err := accessArgs(c)
	if err != nil {
		return err
	}
	if !slices.Contains(app.Collaborators, user) {
		return ErrNotCollaborator.With(fmt.Sprintf("%s is not a collaborator on %s", user, app.Name), nil)
	}
	if err := c.d.Store.RemoveCollaborator(app.Name, user); err != nil {
		return err // the app was just authorized: no need to hide it
	}
	c.log.Info("collaborator removed", "app", app.Name, "user", user, "by", c.id().String())
	return c.emit(accessJSON{app.Name, user, false}, func(w io.Writer) {
		fmt.Fprintf(w, "%s can no longer push to %s\n", user, app.Name)
	})
}
