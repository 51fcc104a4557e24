package cli

// HelpCmd shows the server's help, which lists every command the server
// knows, including ones newer than this botctl (use `botctl run` for those).
type HelpCmd struct{}

func (c *HelpCmd) Run(r *runner) error { return r.forward("help") }
