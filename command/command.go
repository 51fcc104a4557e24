package command

import (
	"strings"

	"github.com/botrunner/botrunner/auth"
)

// command declares one SSH command: its words, its flags and who may run it.
// The parser, `help` and the permission checks all read this one table.
type command struct {
	name    string
	aliases []string
	args    []string // positional names in order; "[name]" marks an optional last one
	flags   []flagSpec
	summary string // one line for `help`
	stdin   string // what it reads on stdin, for `help <cmd>`; "" if nothing
	admin   bool   // admins only
	anyKey  bool   // deploy keys may run it too (everything else is users only)
	run     func(c *call) error
}

// commands returns the table in the order `help` lists it.
func commands() []*command {
	return []*command{
		helpCmd, versionCmd, whoamiCmd,
		appsCmd, appsCreateCmd, appsInfoCmd, appsDestroyCmd,
		statusCmd, logsCmd, startCmd, stopCmd, restartCmd, rebuildCmd, releasesCmd, rollbackCmd, deployImageCmd,
		deployArchiveCmd, deployGitCmd,
		configCmd, configGetCmd, configSetCmd, configUnsetCmd, webhookDeleteCmd,
		notifyCmd, notifySetCmd, notifyTestCmd,
		settingsCmd, settingsSetCmd, builderSetCmd,
		keysCmd, keysAddCmd, keysRemoveCmd,
		accessAddCmd, accessRemoveCmd,
		deployKeysCmd, deployKeysAddCmd, deployKeysRemoveCmd,
		usersCmd, usersAddCmd, usersRemoveCmd,
		auditCmd,
	}
}

// allFlags is the command's own flags plus the ones every command takes.
func (c *command) allFlags() []flagSpec {
	return append(append([]flagSpec{}, c.flags...), jsonFlag)
}

func (c *command) shortFlag(short string) (flagSpec, bool) {
	for _, f := range c.allFlags() {
		if f.short != "" && f.short == short {
			return f, true
		}
	}
	return flagSpec{}, false
}

func (c *command) flag(name string) (flagSpec, bool) {
	for _, f := range c.allFlags() {
		if f.name == name {
			return f, true
		}
	}
	return flagSpec{}, false
}

// usage is the one-line synopsis, e.g. "apps:destroy <app> --confirm <app>".
func (c *command) usage() string {
	parts := []string{c.name}
	for _, a := range c.args {
		parts = append(parts, argLabel(a))
	}
	for _, f := range c.flags {
		if f.required {
			parts = append(parts, f.label())
		} else {
			parts = append(parts, "["+f.label()+"]")
		}
	}
	return strings.Join(parts, " ")
}

// label is how a flag is written in usage lines: "--json", "--confirm <app>".
func (f flagSpec) label() string {
	l := "--" + f.name
	if f.short != "" {
		l = "-" + f.short + "|" + l
	}
	if f.value == "" {
		return l
	}
	return l + " <" + f.value + ">"
}

// allowed reports whether id may run c at all; per-app checks come later,
// inside the command, through auth.Authorizer.
func (c *command) allowed(id auth.Identity) error {
	if id.DeployApp != "" && !c.anyKey {
		return errDeployKey(id)
	}
	if c.admin {
		return auth.RequireAdmin(id)
	}
	return nil
}

// visibleTo reports whether `help` lists c for id: only what id can run, so
// the list answers "what can I do here".
func (c *command) visibleTo(id auth.Identity) bool { return c.allowed(id) == nil }

// Names lists every command's name, then its aliases, in `help` order:
// the list botctl's grammar must agree with (a test in cli checks it).
func Names() [][]string {
	var out [][]string
	for _, c := range commands() {
		out = append(out, append([]string{c.name}, c.aliases...))
	}
	return out
}
