package command

import (
	"strings"
	"testing"
)

// FuzzParseArgs checks that the argument parser never panics and that what
// it accepts fits the declaration: positionals within bounds, only declared
// flags set.
func FuzzParseArgs(f *testing.F) {
	for _, seed := range []string{
		"my-bot --confirm my-bot", "--confirm=my-bot my-bot --json", "-- --json", "--json=false x",
		"--confirm", "--nope", "-x", "-", "a b c", "--help", "--json=maybe",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, " ")
		p, err := parseArgs(appsDestroyCmd, args)
		if err != nil || p.help {
			return
		}
		if len(p.pos) != 1 {
			t.Fatalf("accepted %d positionals for one <app>: %q", len(p.pos), args)
		}
		for name := range p.vals {
			if f, ok := appsDestroyCmd.flag(name); !ok || f.value == "" {
				t.Fatalf("value set for undeclared or bool flag %q", name)
			}
		}
		for name := range p.bools {
			if f, ok := appsDestroyCmd.flag(name); !ok || f.value != "" {
				t.Fatalf("bool set for undeclared or value flag %q", name)
			}
		}
	})
}
