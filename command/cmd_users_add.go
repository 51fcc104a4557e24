package command

import (
	"fmt"
	"io"

	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

var usersAddCmd = &command{
	name:    "users:add",
	args:    []string{"name"},
	flags:   []flagSpec{{name: "admin", help: "make the user an admin"}},
	summary: "add a user with one SSH key (the public key on stdin)",
	stdin:   "the user's public key as an authorized_keys line",
	admin:   true,
	run:     runUsersAdd,
}

type newUserJSON struct {
	Name        string `json:"name"`
	Role        string `json:"role"`
	Fingerprint string `json:"fingerprint"`
	Created     string `json:"created"`
}

func runUsersAdd(c *call) error {
	name := c.p.arg(0)
	// The name is checked before stdin is read, so a typo fails at once.
	if err := names.ValidUser(name); err != nil {
		return err
	}
	k, err := c.readKey()
	if err != nil {
		return err
	}
	u := store.User{Name: name, Admin: c.p.bools["admin"], Created: k.Added}
	// One transaction: a user is never left without the key to log in.
	if err := c.d.Store.CreateUserWithKeys(u, []store.Key{k}); err != nil {
		return err
	}
	c.log.Info("user added", "user", name, "admin", u.Admin, "fingerprint", k.Fingerprint, "by", c.id().String())
	out := newUserJSON{Name: name, Role: userRole(u), Fingerprint: k.Fingerprint, Created: stamp(u.Created)}
	return c.emit(out, func(w io.Writer) {
		fmt.Fprintf(w, "added %s %s with key %s\n", out.Role, name, k.Fingerprint)
	})
}
