package command

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

// testCmd exercises every kind of declaration the parser knows.
var testCmd = &command{
	name:  "test:cmd",
	args:  []string{"app", "[extra]"},
	flags: []flagSpec{{name: "confirm", value: "app"}, {name: "force"}},
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		pos   []string
		vals  map[string]string
		bools map[string]bool
		help  bool
	}{
		{"positional only", []string{"a"}, []string{"a"}, map[string]string{}, map[string]bool{}, false},
		{"optional positional", []string{"a", "b"}, []string{"a", "b"}, map[string]string{}, map[string]bool{}, false},
		{"flag after positional", []string{"a", "--confirm", "a"}, []string{"a"}, map[string]string{"confirm": "a"}, map[string]bool{}, false},
		{"flag before positional", []string{"--confirm", "a", "a"}, []string{"a"}, map[string]string{"confirm": "a"}, map[string]bool{}, false},
		{"flag with equals", []string{"--confirm=a b", "a"}, []string{"a"}, map[string]string{"confirm": "a b"}, map[string]bool{}, false},
		{"empty value with equals", []string{"--confirm=", "a"}, []string{"a"}, map[string]string{"confirm": ""}, map[string]bool{}, false},
		{"value may look like a flag", []string{"a", "--confirm", "--json"}, []string{"a"}, map[string]string{"confirm": "--json"}, map[string]bool{}, false},
		{"last value wins", []string{"a", "--confirm", "x", "--confirm=y"}, []string{"a"}, map[string]string{"confirm": "y"}, map[string]bool{}, false},
		{"bool flags", []string{"--json", "a", "--force"}, []string{"a"}, map[string]string{}, map[string]bool{"json": true, "force": true}, false},
		{"bool false", []string{"--json=false", "a"}, []string{"a"}, map[string]string{}, map[string]bool{"json": false}, false},
		{"double dash ends flags", []string{"a", "--", "--json"}, []string{"a", "--json"}, map[string]string{}, map[string]bool{}, false},
		{"lone dash is positional", []string{"-"}, []string{"-"}, map[string]string{}, map[string]bool{}, false},
		{"help skips positional check", []string{"--help"}, []string{}, map[string]string{}, map[string]bool{}, true},
		{"short help", []string{"x", "y", "z", "-h"}, []string{"x", "y", "z"}, map[string]string{}, map[string]bool{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseArgs(testCmd, tt.args)
			require.NoError(t, err)
			assert.Equal(t, tt.pos, p.pos)
			assert.Equal(t, tt.vals, p.vals)
			assert.Equal(t, tt.bools, p.bools)
			assert.Equal(t, tt.help, p.help)
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	const usage = "usage: test:cmd <app> [extra] [--confirm <app>] [--force]"
	tests := []struct {
		name     string
		args     []string
		msg, tip string
	}{
		{"unknown flag", []string{"a", "--nope"}, `unknown flag "--nope" for test:cmd`,
			"test:cmd takes --confirm <app>, --force, --json"},
		{"unknown flag with value", []string{"--nope=1", "a"}, `unknown flag "--nope=1" for test:cmd`,
			"test:cmd takes --confirm <app>, --force, --json"},
		{"single dash flag", []string{"-json", "a"}, `unknown flag "-json" for test:cmd`,
			"test:cmd takes --confirm <app>, --force, --json"},
		{"missing value", []string{"a", "--confirm"}, "flag --confirm needs a value: --confirm <app>", usage},
		{"bad bool", []string{"a", "--json=maybe"}, `flag --json takes no value (or =true, =false), not "maybe"`, usage},
		{"missing positional", []string{}, "test:cmd needs <app>", usage},
		{"too many positionals", []string{"a", "b", "c"}, `unexpected argument "c"`, usage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseArgs(testCmd, tt.args)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrUsage)
			assert.Equal(t, tt.msg, hint.Of(err).Msg)
			assert.Equal(t, tt.tip, hint.TipOf(err))
		})
	}
}

func TestUsageLines(t *testing.T) {
	tests := map[*command]string{
		appsDestroyCmd:      "apps:destroy <app> --confirm <app>",
		helpCmd:             "help [command]",
		usersAddCmd:         "users:add <name> [--admin]",
		deployKeysRemoveCmd: "deploy-keys:remove <app> <fingerprint>",
		appsCmd:             "apps",
	}
	for cmd, want := range tests {
		assert.Equal(t, want, cmd.usage())
	}
}

func TestSuggest(t *testing.T) {
	tests := map[string]string{
		"app":         "apps",
		"aps":         "apps",
		"Apps":        "apps",
		"list":        "apps", // an alias suggests its command
		"who":         "whoami",
		"apps:craete": "apps:create",
		"key":         "keys",
		"keys:remve":  "keys:remove",
		"deploy-key":  "deploy-keys",
		"xyz":         "",
		"a":           "",
		"frobnicate":  "",
		"":            "",
	}
	for word, want := range tests {
		assert.Equal(t, want, suggest(commands(), word), "suggest(%q)", word)
	}
}
