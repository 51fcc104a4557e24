package command

import (
	"errors"
	"fmt"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/store"
)

// authorizeDeploy authorizes a deploy command (deploy:image, deploy:archive,
// deploy:git) on an app. Unlike a first git push these do not create the
// app, so "not found" also says how to make one; the answer is the same for
// a missing app and for someone else's.
func (c *call) authorizeDeploy(name string) (store.App, error) {
	app, err := c.d.Auth.Authorize(c.id(), name, auth.Push)
	if errors.Is(err, auth.ErrAppNotFound) {
		return app, &hint.Error{Code: auth.ErrAppNotFound.Code, Msg: auth.ErrAppNotFound.Msg, Err: err,
			Tip: fmt.Sprintf("run `apps` to list the apps you can use; to make a new one: apps:create %s", name)}
	}
	return app, err
}
