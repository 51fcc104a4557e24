package cli

// AccessRemoveCmd removes a collaborator: `access:remove [APP] USER`.
type AccessRemoveCmd struct {
	AppFlag `embed:""`
	First   string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
	Second  string `arg:"" optional:"" name:"user" help:"User to remove."`
}

func (c *AccessRemoveCmd) Run(r *runner) error {
	return r.forwardApp("access:remove", c.AppFlag, []string{c.First, c.Second}, 1)
}
