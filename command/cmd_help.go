package command

import (
	"fmt"
	"io"
)

var helpCmd = &command{
	name:    "help",
	args:    []string{"[command]"},
	summary: "list the commands, or show how to use one",
	anyKey:  true,
	run:     runHelp,
}

// commandJSON describes a command in `help --json`.
type commandJSON struct {
	Name    string   `json:"name"`
	Usage   string   `json:"usage"`
	Summary string   `json:"summary"`
	Aliases []string `json:"aliases"`
}

// usageJSON describes one command in `help <cmd> --json`.
type usageJSON struct {
	commandJSON
	Flags []flagJSON `json:"flags"`
	Stdin string     `json:"stdin"`
	Admin bool       `json:"admin"`
}

type flagJSON struct {
	Name  string `json:"name"`
	Value string `json:"value"` // placeholder of a value flag; "" for a bool flag
	Help  string `json:"help"`
}

func runHelp(c *call) error {
	if name := c.p.arg(0); name != "" {
		cmd, err := c.lookup(name)
		if err != nil {
			return err
		}
		return showUsage(c, cmd)
	}
	list := []commandJSON{}
	for _, cmd := range c.cmds {
		if cmd.visibleTo(c.id()) {
			list = append(list, describe(cmd))
		}
	}
	return c.emit(list, func(w io.Writer) {
		fmt.Fprintln(w, "usage: ssh <host> <command> [args] [--json]")
		fmt.Fprintln(w)
		for _, d := range list {
			row(w, "  "+d.Usage, d.Summary)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "run `help <command>` for its flags")
	})
}

// showUsage prints how to use cmd; `help <cmd>` and `<cmd> --help` share it.
func showUsage(c *call, cmd *command) error {
	u := usageJSON{commandJSON: describe(cmd), Flags: []flagJSON{}, Stdin: cmd.stdin, Admin: cmd.admin}
	for _, f := range cmd.allFlags() {
		u.Flags = append(u.Flags, flagJSON{Name: f.name, Value: f.value, Help: f.help})
	}
	return c.emit(u, func(w io.Writer) {
		fmt.Fprintf(w, "usage: %s\n\n%s\n", u.Usage, u.Summary)
		if cmd.admin {
			fmt.Fprintln(w, "(admins only)")
		}
		if cmd.stdin != "" {
			fmt.Fprintf(w, "\nstdin: %s\n", cmd.stdin)
		}
		fmt.Fprintln(w, "\nflags:")
		for _, f := range cmd.allFlags() {
			row(w, "  "+f.label(), f.help)
		}
		if len(cmd.aliases) > 0 {
			fmt.Fprintf(w, "\naliases: %s\n", joinComma(cmd.aliases))
		}
	})
}

func describe(cmd *command) commandJSON {
	aliases := append([]string{}, cmd.aliases...)
	return commandJSON{Name: cmd.name, Usage: cmd.usage(), Summary: cmd.summary, Aliases: aliases}
}
