package cli

// RunCmd forwards any server command as given, so commands the server
// gained after this botctl was built are usable at once. With -a APP (or
// --with-app, which takes the app from the remote) the app is put right
// after the command name, the place every app command takes it.
type RunCmd struct {
	AppFlag `embed:""`
	WithApp bool     `help:"Put the remote's app after the command name."`
	Words   []string `arg:"" passthrough:"partial" name:"command" help:"Server command and its arguments."`
}

func (c *RunCmd) Run(r *runner) error {
	words := c.Words
	if len(words) > 0 && words[0] == "--" { // kong keeps the "--" of `run -- CMD`
		words = words[1:]
	}
	if len(words) == 0 {
		return usageError("run", "no server command given")
	}
	if c.App == "" && !c.WithApp {
		return r.forward(words[0], words[1:]...)
	}
	app, err := r.defaultApp(c.AppFlag)
	if err != nil {
		return err
	}
	return r.forward(words[0], append([]string{app}, words[1:]...)...)
}
