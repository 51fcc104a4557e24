package cli

// AppOnlyCmd is a command whose only argument is the app: `CMD [APP]`.
// The ps commands share it; Run needs the command's name, so each is a
// named type with its own Run.
type AppOnlyCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *AppOnlyCmd) forward(r *runner, command string) error {
	return r.forwardApp(command, c.AppFlag, []string{c.Name}, 0)
}

// StopCmd stops an app's bot.
type StopCmd struct{ AppOnlyCmd }

func (c *StopCmd) Run(r *runner) error { return c.forward(r, "stop") }

// StartCmd (start, and the one-shot deploys) is in cmd_start.go.

// RestartCmd restarts an app's bot.
type RestartCmd struct{ AppOnlyCmd }

func (c *RestartCmd) Run(r *runner) error { return c.forward(r, "restart") }

// RebuildCmd builds the current commit again and deploys it.
type RebuildCmd struct{ AppOnlyCmd }

func (c *RebuildCmd) Run(r *runner) error { return c.forward(r, "rebuild") }

// ReleasesCmd lists an app's releases.
type ReleasesCmd struct{ AppOnlyCmd }

func (c *ReleasesCmd) Run(r *runner) error { return c.forward(r, "releases") }

// RollbackCmd releases an earlier release again: `rollback [APP] [vN]`.
type RollbackCmd struct {
	AppFlag  `embed:""`
	First    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
	Second   string `arg:"" optional:"" name:"version" help:"The release, e.g. v3 (default: the one before the current)."`
	CodeOnly bool   `help:"Keep the current config vars; only the image goes back."`
}

func (c *RollbackCmd) Run(r *runner) error {
	flags := flagIf(c.CodeOnly, "--code-only")
	switch {
	case c.Second != "": // `rollback APP vN`
		return r.forwardApp("rollback", c.AppFlag, []string{c.First, c.Second}, 1, flags...)
	case len(c.First) > 1 && c.First[0] == 'v' && isDigits(c.First[1:]):
		// `rollback v3` inside a repo: the one word is the version, not an app.
		return r.forwardApp("rollback", c.AppFlag, []string{c.First}, 1, flags...)
	}
	return r.forwardApp("rollback", c.AppFlag, []string{c.First}, 0, flags...)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
