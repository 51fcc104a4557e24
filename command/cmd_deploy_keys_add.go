package command

import (
	"fmt"
	"io"

	"github.com/botrunner/botrunner/auth"
)

var deployKeysAddCmd = &command{
	name:    "deploy-keys:add",
	args:    []string{appArg},
	summary: "add a key that may deploy this one app (git push, deploy:image, deploy:archive, deploy:git) and do nothing else (CI)",
	stdin:   "one public key as an authorized_keys line",
	run:     runDeployKeysAdd,
}

// deployKeyJSON is a deploy key together with its app.
type deployKeyJSON struct {
	App string `json:"app"`
	keyJSON
}

func runDeployKeysAdd(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Manage)
	if err != nil {
		return err
	}
	k, err := c.readKey()
	if err != nil {
		return err
	}
	k.App = app.Name
	if err := c.d.Store.AddKey(k); err != nil {
		return appGone(err)
	}
	c.log.Info("deploy key added", "app", app.Name, "fingerprint", k.Fingerprint, "by", c.id().String())
	return c.emit(deployKeyJSON{App: app.Name, keyJSON: toKeyJSON(k)}, func(w io.Writer) {
		fmt.Fprintf(w, "added deploy key %s to %s; it can push to %s and nothing else\n", k.Fingerprint, app.Name, app.Name)
	})
}
