package command

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
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
	if c.json {
		return writeJSON(c.env.Stdout, list)
	}
	w := c.env.Stdout
	fmt.Fprintln(w, "usage: ssh <host> <command> [args] [--json]")
	fmt.Fprintln(w)
	for _, d := range list {
		writeHelpLine(w, d.Usage, d.Summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "run `help <command>` for its flags")
	return nil
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

// Help lines fit a terminal of helpWidth columns: a short usage and its
// summary share a line, a long usage gets its own with the summary below;
// summaries wrap at word boundaries.
const (
	helpWidth  = 100
	helpColumn = 30 // where summaries start after a short usage
	helpIndent = 6  // where they start below a long one
)

func writeHelpLine(w io.Writer, usage, summary string) {
	head := "  " + usage
	if utf8.RuneCountInString(head) <= helpColumn-2 {
		head += strings.Repeat(" ", helpColumn-utf8.RuneCountInString(head))
		lines := wrapWords(summary, helpWidth-helpColumn)
		fmt.Fprintln(w, head+lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintln(w, strings.Repeat(" ", helpColumn)+l)
		}
		return
	}
	fmt.Fprintln(w, head)
	for _, l := range wrapWords(summary, helpWidth-helpIndent) {
		fmt.Fprintln(w, strings.Repeat(" ", helpIndent)+l)
	}
}

// wrapWords breaks s into lines of at most width runes where it can (a
// longer word gets a line of its own).
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return append(lines, line)
}
