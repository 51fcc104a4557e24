package command

import (
	"fmt"
	"io"
)

var usersRemoveCmd = &command{
	name:    "users:remove",
	args:    []string{"name"},
	summary: "remove a user and their keys (they must own no apps)",
	admin:   true,
	run:     runUsersRemove,
}

func runUsersRemove(c *call) error {
	name := c.p.arg(0)
	if name == c.id().User {
		return ErrRemoveSelf
	}
	if err := c.d.Store.DeleteUser(name); err != nil {
		return err
	}
	c.log.Info("user removed", "user", name, "by", c.id().String())
	return c.emit(struct {
		Name    string `json:"name"`
		Removed bool   `json:"removed"`
	}{name, true}, func(w io.Writer) { fmt.Fprintf(w, "removed user %s\n", name) })
}
