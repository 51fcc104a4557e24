package command

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
)

// flagSpec declares one --flag of a command.
type flagSpec struct {
	short string // a one-letter alias used with one dash ("f" for -f); "" = none
	name  string // without the dashes
	value string // placeholder of a value flag ("app"); "" makes a bool flag
	help  string
	// required puts the flag in the usage line. The command checks it itself,
	// because it can say more than the parser could (apps:destroy's hint
	// shows the exact command to run).
	required bool
}

// jsonFlag is taken by every command.
var jsonFlag = flagSpec{name: "json", help: "print JSON for scripts"}

// parsed is a command line after flag parsing.
type parsed struct {
	pos   []string
	vals  map[string]string // value flags that were given
	bools map[string]bool   // bool flags that were given
	help  bool              // --help or -h anywhere
}

func (p parsed) arg(i int) string {
	if i < len(p.pos) {
		return p.pos[i]
	}
	return ""
}

// flag returns a value flag and whether it was given at all: --confirm= is
// given and empty, which is not the same as missing.
func (p parsed) flag(name string) (string, bool) {
	v, ok := p.vals[name]
	return v, ok
}

// parseArgs parses args against c's declaration. Flags may come anywhere,
// as --name value, --name=value or (bool) --name[=true|false]; "--" ends
// flags; a lone "-" is a positional.
func parseArgs(c *command, args []string) (parsed, error) {
	p := parsed{pos: []string{}, vals: map[string]string{}, bools: map[string]bool{}}
	flagsDone := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case flagsDone || a == "-" || !strings.HasPrefix(a, "-"):
			p.pos = append(p.pos, a)
		case a == "--":
			flagsDone = true
		case a == "-h" || a == "--help":
			p.help = true
		default:
			n, err := p.setFlag(c, a, args[i+1:])
			if err != nil {
				return p, err
			}
			i += n
		}
	}
	if p.help {
		return p, nil
	}
	return p, checkPositionals(c, p.pos)
}

// setFlag records the flag in word a; rest are the words after it, from
// which a value flag may take its value. It returns how many it took.
func (p *parsed) setFlag(c *command, a string, rest []string) (int, error) {
	name, val, hasVal := strings.Cut(strings.TrimPrefix(a, "--"), "=")
	f, ok := c.flag(name)
	if !strings.HasPrefix(a, "--") {
		name, val, hasVal = strings.Cut(strings.TrimPrefix(a, "-"), "=")
		f, ok = c.shortFlag(name)
		name = f.name
	}
	if !ok {
		return 0, unknownFlag(c, a)
	}
	if f.value == "" {
		b := true
		if hasVal {
			var err error
			if b, err = strconv.ParseBool(val); err != nil {
				return 0, usageErr(c, "flag --%s takes no value (or =true, =false), not %s", name, names.Quote(val))
			}
		}
		p.bools[name] = b
		return 0, nil
	}
	if hasVal {
		p.vals[name] = val
		return 0, nil
	}
	if len(rest) == 0 {
		return 0, usageErr(c, "flag --%s needs a value: --%s <%s>", name, name, f.value)
	}
	p.vals[name] = rest[0]
	return 1, nil
}

func checkPositionals(c *command, pos []string) error {
	need := 0
	for _, a := range c.args {
		if !optional(a) {
			need++
		}
	}
	if len(pos) < need {
		return usageErr(c, "%s needs %s", c.name, argList(c.args[len(pos):need]))
	}
	if len(pos) > len(c.args) && !(len(c.args) > 0 && variadic(c.args[len(c.args)-1])) {
		return usageErr(c, "unexpected argument %s", names.Quote(pos[len(c.args)]))
	}
	return nil
}

// optional reports whether a positional is declared as "[name]".
func optional(arg string) bool { return strings.HasPrefix(arg, "[") }

// variadic reports whether a positional is declared as "name..." (one or
// more); only the last one may be.
func variadic(arg string) bool { return strings.HasSuffix(arg, "...") }

func argList(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = argLabel(a)
	}
	return strings.Join(out, " ")
}

func argLabel(a string) string {
	switch {
	case optional(a):
		return a
	case variadic(a):
		return "<" + strings.TrimSuffix(a, "...") + ">..."
	}
	return "<" + a + ">"
}

// usageErr is a USAGE error whose hint is the command's usage line.
func usageErr(c *command, format string, args ...any) error {
	return hint.Errorf(ErrUsage.Code, "usage: "+c.usage(), format, args...)
}

// unknownFlag lists the flags the command does take, since a typo is the
// usual cause.
func unknownFlag(c *command, word string) error {
	flags := make([]string, 0, len(c.flags)+1)
	for _, f := range c.allFlags() {
		flags = append(flags, f.label())
	}
	tip := fmt.Sprintf("%s takes %s", c.name, strings.Join(flags, ", "))
	return hint.Errorf(ErrUsage.Code, tip, "unknown flag %s for %s", names.Quote(word), c.name)
}
