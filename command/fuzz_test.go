package command

import (
	"strings"
	"testing"
)

// FuzzSplit checks that Split never panics, keeps its bounds, and that what
// it returns survives botctl's quoting: quoting the words and splitting again
// gives the same words.
func FuzzSplit(f *testing.F) {
	for _, seed := range []string{
		"", "apps", "git-receive-pack '/my-bot'", `'it'\''s'`, `"a\"b" c\ d`, "a\\\nb",
		`'unterminated`, `"unterminated`, `trailing\`, `'' ""`, "\t\n", `"\$\` + "`" + `"`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		words, err := Split(raw)
		if err != nil {
			return
		}
		if len(words) > MaxWords {
			t.Fatalf("%d words, more than %d", len(words), MaxWords)
		}
		total := 0
		for _, w := range words {
			total += len(w)
		}
		if total > len(raw) {
			t.Fatalf("words hold %d bytes, more than the %d of the line", total, len(raw))
		}
		if len(quoteLine(words)) > MaxCommandLine {
			return // quoting grew it past the bound; nothing to compare
		}
		again, err := Split(quoteLine(words))
		if err != nil {
			t.Fatalf("split of quoted %q: %v", words, err)
		}
		if strings.Join(again, "\x00") != strings.Join(words, "\x00") || len(again) != len(words) {
			t.Fatalf("round trip: %q became %q", words, again)
		}
	})
}

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
