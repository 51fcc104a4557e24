package cli

// DeployKeysCmd lists an app's deploy keys.
type DeployKeysCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *DeployKeysCmd) Run(r *runner) error {
	return r.forwardApp("deploy-keys", c.AppFlag, []string{c.Name}, 0)
}
