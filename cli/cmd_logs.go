package cli

import "strconv"

// LogsCmd shows an app's log: `logs [APP] [-f] [-n N] [--since D] [-t]`,
// or a build log: `logs [APP] --build [vN]`.
type LogsCmd struct {
	AppFlag    `embed:""`
	First      string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
	Second     string `arg:"" optional:"" name:"version" help:"With --build: the release (default: the last build)."`
	Follow     bool   `short:"f" help:"Keep streaming new lines until Ctrl-C."`
	Num        int    `short:"n" default:"-1" help:"How many lines (server default 100; 0 = all kept)."`
	Since      string `help:"Only lines of the last duration, e.g. 10m."`
	Timestamps bool   `short:"t" help:"Prefix each line with its time."`
	Build      bool   `help:"Show a build log instead."`
}

func (c *LogsCmd) Run(r *runner) error {
	var extra []string
	extra = append(extra, flagIf(c.Follow, "--follow")...)
	extra = append(extra, flagIf(c.Timestamps, "--timestamps")...)
	extra = append(extra, flagIf(c.Build, "--build")...)
	if c.Num >= 0 {
		extra = append(extra, "--num", strconv.Itoa(c.Num))
	}
	if c.Since != "" {
		extra = append(extra, "--since", c.Since)
	}
	words := []string{c.First, c.Second}
	// `logs --build v3` inside a repo: the one word is the version.
	if c.Second == "" && len(c.First) > 1 && c.First[0] == 'v' && isDigits(c.First[1:]) {
		return r.forwardApp("logs", c.AppFlag, []string{c.First}, 1, extra...)
	}
	if c.Second == "" {
		return r.forwardApp("logs", c.AppFlag, words[:1], 0, extra...)
	}
	return r.forwardApp("logs", c.AppFlag, words, 1, extra...)
}
