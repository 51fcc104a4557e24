package cli

// DeployKeyAddCmd adds a deploy key, which may deploy this one app only
// (for CI). The key goes to the server on stdin.
type DeployKeyAddCmd struct {
	AppFlag  `embed:""`
	KeyInput `embed:""`
	Name     string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *DeployKeyAddCmd) Run(r *runner) error {
	app, _, err := r.resolveApp("deploy-keys:add", c.AppFlag, []string{c.Name}, 0)
	if err != nil {
		return err
	}
	return r.forwardKey(c.KeyInput, "deploy-keys:add", app)
}
