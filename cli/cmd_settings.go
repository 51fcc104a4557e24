package cli

import "strings"

// SettingsCmd shows an app's deploy settings: `settings [APP]`.
type SettingsCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *SettingsCmd) Run(r *runner) error {
	return r.forwardApp("settings", c.AppFlag, []string{c.Name}, 0)
}

// SettingsSetCmd changes deploy settings: `settings:set [APP] KEY=VALUE...`.
// An app name never holds "=", so the first word is the app when it has none.
type SettingsSetCmd struct {
	AppFlag `embed:""`
	Words   []string `arg:"" name:"key=value" help:"deploy-branch=<branch>, tag-deploys=on|off, entrypoint=<file.py>, start-check=<duration>, builder=<name>|auto (optionally preceded by the app)."`
}

func (c *SettingsSetCmd) Run(r *runner) error {
	return r.forwardPairs("settings:set", c.AppFlag, c.Words)
}

// forwardPairs forwards `name [APP] KEY=VALUE...`: an app name never holds
// "=", so the first word is the app when it has none.
func (r *runner) forwardPairs(name string, app AppFlag, words []string) error {
	if len(words) > 0 && !strings.Contains(words[0], "=") {
		return r.forwardApp(name, app, []string{words[0]}, 0, words[1:]...)
	}
	return r.forwardApp(name, app, nil, 0, words...)
}

// BuilderSetCmd forces a build strategy: `builder:set [APP] NAME|auto`.
type BuilderSetCmd struct {
	AppFlag `embed:""`
	First   string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
	Second  string `arg:"" optional:"" name:"builder" help:"dockerfile, buildpack, simple, or auto to detect."`
}

func (c *BuilderSetCmd) Run(r *runner) error {
	return r.forwardApp("builder:set", c.AppFlag, []string{c.First, c.Second}, 1)
}
