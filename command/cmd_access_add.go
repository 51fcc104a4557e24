package command

import (
	"errors"
	"fmt"
	"io"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

var accessAddCmd = &command{
	name:    "access:add",
	args:    []string{appArg, "user"},
	summary: "let a user push to and read an app (owner or admin)",
	run:     runAccessAdd,
}

// accessJSON is the result of access:add and access:remove.
type accessJSON struct {
	App    string `json:"app"`
	User   string `json:"user"`
	Access bool   `json:"access"` // whether user can now push to app
}

func runAccessAdd(c *call) error {
	app, user, err := accessArgs(c)
	if err != nil {
		return err
	}
	if user == app.Owner {
		return ErrIsOwner.With(fmt.Sprintf("%s owns %s already", user, app.Name), nil)
	}
	if _, err := c.d.Store.User(user); err != nil {
		return userNotFound(err, user)
	}
	if err := c.d.Store.AddCollaborator(app.Name, user); err != nil {
		return appGone(err)
	}
	c.log.Info("collaborator added", "app", app.Name, "user", user, "by", c.id().String())
	return c.emit(accessJSON{app.Name, user, true}, func(w io.Writer) {
		fmt.Fprintf(w, "%s can now push to %s\n", user, app.Name)
	})
}

// accessArgs authorizes Manage on the app and checks the user name.
func accessArgs(c *call) (store.App, string, error) {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Manage)
	if err != nil {
		return store.App{}, "", err
	}
	user := c.p.arg(1)
	return app, user, names.ValidUser(user)
}

func userNotFound(err error, user string) error {
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return hint.Errorf(store.ErrNotFound.Code, "check the spelling; an admin can list users with `users`",
		"user %s not found", names.Quote(user))
}

// appGone maps NOT_FOUND after a successful Authorize: the app was destroyed
// in between, and a missing app always reads as auth.ErrAppNotFound.
func appGone(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return auth.ErrAppNotFound
	}
	return err
}
