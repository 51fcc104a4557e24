package cli

// CreateCmd creates an app without pushing; a first push creates one too.
type CreateCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *CreateCmd) Run(r *runner) error {
	return r.forwardApp("apps:create", c.AppFlag, []string{c.Name}, 0)
}
