package cli

// DestroyCmd destroys an app. --confirm must repeat the app's name even when
// the app comes from the remote: that is the point of a confirmation, and
// the server checks it, so botctl only passes it on.
type DestroyCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
	Confirm string `required:"" placeholder:"APP" help:"The app's name again, to confirm."`
}

func (c *DestroyCmd) Run(r *runner) error {
	return r.forwardApp("apps:destroy", c.AppFlag, []string{c.Name}, 0, "--confirm", c.Confirm)
}
