package cli

import "strings"

// ConfigCmd lists an app's config vars, masked: `config [APP]`.
type ConfigCmd struct {
	AppFlag `embed:""`
	Name    string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
}

func (c *ConfigCmd) Run(r *runner) error {
	return r.forwardApp("config", c.AppFlag, []string{c.Name}, 0)
}

// ConfigGetCmd shows one config var: `config:get [APP] NAME [--reveal]`.
type ConfigGetCmd struct {
	AppFlag `embed:""`
	First   string `arg:"" optional:"" name:"app" help:"App name (default: -a, else the remote's app)."`
	Second  string `arg:"" optional:"" name:"name" help:"The config var."`
	Reveal  bool   `help:"Show the value itself (owner and admins only)."`
}

func (c *ConfigGetCmd) Run(r *runner) error {
	return r.forwardApp("config:get", c.AppFlag, []string{c.First, c.Second}, 1, flagIf(c.Reveal, "--reveal")...)
}

// ConfigSetCmd sets config vars: `config:set [APP] NAME=value... [--no-restart]`.
// An app name never holds "=", so the first word is the app when it has none
// and vars follow it. A lone word without "=" (`config:set DEBUG`) is a bad
// var, not an app: the inferred app goes first so the server says so.
type ConfigSetCmd struct {
	AppFlag   `embed:""`
	Words     []string `arg:"" name:"name=value" help:"Vars to set (optionally preceded by the app)."`
	NoRestart bool     `help:"Store only; apply at the next deploy or restart."`
}

func (c *ConfigSetCmd) Run(r *runner) error {
	extra := flagIf(c.NoRestart, "--no-restart")
	words := c.Words
	if len(words) > 1 && !strings.Contains(words[0], "=") {
		return r.forwardApp("config:set", c.AppFlag, []string{words[0]}, 0, append(words[1:], extra...)...)
	}
	return r.forwardApp("config:set", c.AppFlag, nil, 0, append(words, extra...)...)
}

// ConfigUnsetCmd removes config vars: `config:unset NAME... [--no-restart]`.
// Var names and app names look alike, so the app comes from -a or the
// remote only.
type ConfigUnsetCmd struct {
	AppFlag   `embed:""`
	Names     []string `arg:"" name:"name" help:"Vars to remove."`
	NoRestart bool     `help:"Store only; apply at the next deploy or restart."`
}

func (c *ConfigUnsetCmd) Run(r *runner) error {
	return r.forwardApp("config:unset", c.AppFlag, nil, 0, append(c.Names, flagIf(c.NoRestart, "--no-restart")...)...)
}

// flagIf is []string{flag} when on, else nothing.
func flagIf(on bool, flag string) []string {
	if on {
		return []string{flag}
	}
	return nil
}
