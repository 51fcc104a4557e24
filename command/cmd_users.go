package command

import (
	"fmt"
	"io"

	"github.com/botrunner/botrunner/store"
)

var usersCmd = &command{
	name:    "users",
	summary: "list the users",
	admin:   true,
	run:     runUsers,
}

type userJSON struct {
	Name    string `json:"name"`
	Role    string `json:"role"` // "admin" or "user"
	Keys    int    `json:"keys"`
	Created string `json:"created"`
}

func runUsers(c *call) error {
	users, err := c.d.Store.Users()
	if err != nil {
		return err
	}
	list := make([]userJSON, 0, len(users))
	for _, u := range users {
		keys, err := c.d.Store.KeysOf(u.Name)
		if err != nil {
			return err
		}
		list = append(list, userJSON{Name: u.Name, Role: userRole(u), Keys: len(keys), Created: stamp(u.Created)})
	}
	return c.emit(list, func(w io.Writer) {
		row(w, "NAME", "ROLE", "KEYS", "CREATED")
		for _, u := range list {
			row(w, u.Name, u.Role, fmt.Sprint(u.Keys), u.Created)
		}
	})
}

func userRole(u store.User) string {
	if u.Admin {
		return "admin"
	}
	return "user"
}
