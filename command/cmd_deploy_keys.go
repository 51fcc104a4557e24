package command

import (
	"fmt"
	"io"

	"github.com/botrunner/botrunner/auth"
)

var deployKeysCmd = &command{
	name:    "deploy-keys",
	args:    []string{appArg},
	summary: "list an app's deploy keys (owner or admin)",
	run:     runDeployKeys,
}

func runDeployKeys(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Manage)
	if err != nil {
		return err
	}
	keys, err := c.d.Store.DeployKeysOf(app.Name)
	if err != nil {
		return err
	}
	list := make([]keyJSON, 0, len(keys))
	for _, k := range keys {
		list = append(list, toKeyJSON(k))
	}
	return c.emit(list, func(w io.Writer) {
		if len(list) == 0 {
			fmt.Fprintf(w, "no deploy keys; add one with `deploy-keys:add %s` and the key on stdin\n", app.Name)
			return
		}
		row(w, "FINGERPRINT", "COMMENT", "ADDED")
		for _, k := range list {
			row(w, k.Fingerprint, k.Comment, k.Added)
		}
	})
}
