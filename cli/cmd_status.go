package cli

// StatusCmd shows whether an app's bot runs: `status [APP]` (alias ps).
type StatusCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *StatusCmd) Run(r *runner) error {
	return r.forwardApp("status", c.AppFlag, []string{c.Name}, 0)
}
