package cli

// AccessAddCmd makes a user a collaborator: `access:add [APP] USER`.
type AccessAddCmd struct {
	AppFlag `embed:""`
	First   string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
	Second  string `arg:"" optional:"" name:"user" help:"User to add."`
}

func (c *AccessAddCmd) Run(r *runner) error {
	return r.forwardApp("access:add", c.AppFlag, []string{c.First, c.Second}, 1)
}
