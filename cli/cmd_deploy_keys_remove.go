package cli

// DeployKeyRemoveCmd removes one of an app's deploy keys:
// `deploy-keys:remove [APP] FINGERPRINT`.
type DeployKeyRemoveCmd struct {
	AppFlag `embed:""`
	First   string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
	Second  string `arg:"" optional:"" name:"fingerprint" help:"The key's SHA256 fingerprint, as listed by botctl deploy-keys."`
}

func (c *DeployKeyRemoveCmd) Run(r *runner) error {
	return r.forwardApp("deploy-keys:remove", c.AppFlag, []string{c.First, c.Second}, 1)
}
