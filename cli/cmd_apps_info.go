package cli

// InfoCmd shows one app.
type InfoCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *InfoCmd) Run(r *runner) error {
	return r.forwardApp("apps:info", c.AppFlag, []string{c.Name}, 0)
}
