package command

import (
	"context"
	"fmt"
	"io"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
)

var appsDestroyCmd = &command{
	name:    "apps:destroy",
	args:    []string{appArg},
	flags:   []flagSpec{{name: "confirm", value: appArg, help: "the app's name again: destroying cannot be undone", required: true}},
	summary: "delete an app, its repository and its deploy keys for good",
	run:     runAppsDestroy,
}

func runAppsDestroy(c *call) error {
	name := c.p.arg(0)
	// Authorize before looking at --confirm, so that someone else's app is
	// "not found" whatever flags come with it.
	if _, err := c.d.Auth.Authorize(c.id(), name, auth.Manage); err != nil {
		return err
	}
	if err := checkConfirm(c, name); err != nil {
		return err
	}
	if err := c.DestroyApp(c.env.Ctx, name); err != nil {
		return err
	}
	c.log.Info("app destroyed", "app", name, "by", c.id().String())
	return c.emit(struct {
		Name      string `json:"name"`
		Destroyed bool   `json:"destroyed"`
	}{name, true}, func(w io.Writer) { fmt.Fprintf(w, "destroyed %s\n", name) })
}

// DestroyApp removes everything of an app — its bot, containers, images,
// build cache and logs, its repository, then its record — whatever removes
// it: apps:destroy, or a refused first push taking the app's creation back.
// Nothing of it may reach whoever creates the name next.
//
// The bot stops first, under the app's push lock so that no deploy can
// start another meanwhile. Then the repo: a record without a repo can be
// destroyed again, while a repo left behind a deleted record would hand the
// old code to whoever creates the name next.
func (r *Router) DestroyApp(ctx context.Context, name string) error {
	var stopBot func() error
	if r.d.Bots != nil {
		stopBot = func() error { return r.d.Bots.Destroy(ctx, name) }
	}
	if err := r.d.Repos.DeleteAfter(ctx, name, stopBot); err != nil {
		return fmt.Errorf("destroy %s: %w", name, err)
	}
	return r.d.Store.DeleteApp(name)
}

func checkConfirm(c *call, name string) error {
	got, ok := c.p.flag("confirm")
	if ok && got == name {
		return nil
	}
	tip := fmt.Sprintf("to destroy it for good, run: apps:destroy %s --confirm %s", name, name)
	if !ok {
		return hint.Errorf(ErrConfirm.Code, tip, "destroying %s needs --confirm %s", name, name)
	}
	return hint.Errorf(ErrConfirm.Code, tip, "--confirm %s does not match the app %s", names.Quote(got), name)
}
