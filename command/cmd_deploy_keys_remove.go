package command

import (
	"errors"
	"fmt"
	"io"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/store"
)

var deployKeysRemoveCmd = &command{
	name:    "deploy-keys:remove",
	args:    []string{appArg, "fingerprint"},
	summary: "remove one of an app's deploy keys (owner or admin)",
	run:     runDeployKeysRemove,
}

func runDeployKeysRemove(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Manage)
	if err != nil {
		return err
	}
	fp := fingerprintArg(c.p.arg(1))
	k, err := c.d.Store.KeyByFingerprint(fp)
	if errors.Is(err, store.ErrNotFound) || (err == nil && k.App != app.Name) {
		return keyNotFound(fp, "among the deploy keys of "+app.Name)
	}
	if err != nil {
		return err
	}
	if err := c.d.Store.RemoveKey(fp); err != nil {
		return err
	}
	c.log.Info("deploy key removed", "app", app.Name, "fingerprint", fp, "by", c.id().String())
	return c.emit(struct {
		App         string `json:"app"`
		Fingerprint string `json:"fingerprint"`
		Removed     bool   `json:"removed"`
	}{app.Name, fp, true}, func(w io.Writer) {
		fmt.Fprintf(w, "removed deploy key %s from %s\n", fp, app.Name)
	})
}
