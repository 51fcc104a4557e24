package command

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/shellwords"
)

func TestRouterErrors(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name   string
		who    string
		words  []string
		code   int
		stderr string
	}{
		{"unknown command with suggestion", "alice", []string{"aps"}, 2,
			"error: unknown command \"aps\"\nhint: did you mean `apps`? run `help` for the list\n"},
		{"unknown command without suggestion", "alice", []string{"frobnicate"}, 2,
			"error: unknown command \"frobnicate\"\nhint: run `help` for the list\n"},
		{"unknown command is quoted safely", "alice", []string{"\x1b[31mred"}, 2,
			"error: unknown command \"\\x1b[31mred\"\nhint: run `help` for the list\n"},
		{"missing positional", "alice", []string{"apps:info"}, 2,
			"error: apps:info needs <app>\nhint: usage: apps:info <app>\n"},
		{"unknown flag lists flags", "alice", []string{"apps:destroy", "alice-bot", "--force"}, 2,
			"error: unknown flag \"--force\" for apps:destroy\nhint: apps:destroy takes --confirm <app>, --json\n"},
		{"admin only", "alice", []string{"users"}, 1,
			"error: only admins can do that\nhint: ask an admin\n"},
		{"deploy key may not list apps", "deploy", []string{"apps"}, 1,
			"error: deploy keys may only deploy\nhint: a deploy key can only `git push` and deploy:image, deploy:archive, deploy:git to alice-bot; run other commands with your own key\n"},
		{"deploy key may not read its own app", "deploy", []string{"apps:info", "alice-bot"}, 1,
			"error: deploy keys may only deploy\nhint: a deploy key can only `git push` and deploy:image, deploy:archive, deploy:git to alice-bot; run other commands with your own key\n"},
		{"deploy key checked before arguments", "deploy", []string{"users:add"}, 1,
			"error: deploy keys may only deploy\nhint: a deploy key can only `git push` and deploy:image, deploy:archive, deploy:git to alice-bot; run other commands with your own key\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := w.run(tt.who, "", tt.words...)
			assert.Equal(t, tt.code, res.code)
			assert.Equal(t, tt.stderr, res.stderr)
			assert.Empty(t, res.stdout)
		})
	}
}

func TestErrorsAsJSON(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name  string
		who   string
		words []string
		code  int
		want  map[string]any
	}{
		{"usage error", "alice", []string{"apps:info", "--json"}, 2,
			map[string]any{"error": "apps:info needs <app>", "code": "USAGE", "hint": "usage: apps:info <app>"}},
		{"unknown command", "alice", []string{"aps", "--json"}, 2,
			map[string]any{"error": `unknown command "aps"`, "code": "UNKNOWN_COMMAND",
				"hint": "did you mean `apps`? run `help` for the list"}},
		{"not found", "alice", []string{"apps:info", "nope-bot", "--json"}, 1,
			map[string]any{"error": "app not found", "code": "APP_NOT_FOUND", "hint": "run `apps` to list the apps you can use"}},
		{"deploy key", "deploy", []string{"keys", "--json"}, 1,
			map[string]any{"error": "deploy keys may only deploy", "code": "FORBIDDEN",
				"hint": "a deploy key can only `git push` and deploy:image, deploy:archive, deploy:git to alice-bot; run other commands with your own key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := w.run(tt.who, "", tt.words...)
			assert.Equal(t, tt.code, res.code)
			assert.Equal(t, tt.want, decode[map[string]any](t, res.stderr))
			assert.Empty(t, res.stdout)
		})
	}
}

func TestJSONAfterDoubleDashIsAnArgument(t *testing.T) {
	w := newWorld(t)
	res := w.run("alice", "", "apps:info", "--", "--json")
	assert.Equal(t, 1, res.code)
	assert.True(t, strings.HasPrefix(res.stderr, "error: invalid app name \"--json\"\n"), res.stderr)
}

func TestInternalErrorsAreHiddenAndLogged(t *testing.T) {
	w := newWorld(t)
	w.repos.createErr = errDisk
	res := w.run("alice", "", "apps:create", "new-bot")
	assert.Equal(t, 1, res.code)
	assert.Equal(t, "error: internal error\nhint: "+ErrInternal.Tip+"\n", res.stderr)
	assert.NotContains(t, res.stderr, "/srv")
	assert.Contains(t, w.log.String(), "no space left on device")
	assert.Contains(t, w.log.String(), "command=apps:create")
}

func TestCommandNameFromArgs(t *testing.T) {
	w := newWorld(t)
	var out bytes.Buffer
	code := w.r.Run(Env{Identity: w.ids["alice"], Args: []string{"version", "--json"}, Stdout: &out})
	require.Equal(t, 0, code)
	assert.JSONEq(t, `{"version":"1.2.3"}`, out.String())
}

func TestNoCommandShowsHelp(t *testing.T) {
	w := newWorld(t)
	var out bytes.Buffer
	code := w.r.Run(Env{Identity: w.ids["alice"], Stdout: &out})
	require.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out.String(), "usage: ssh <host> <command>"), out.String())
}

func TestNilStreamsAreSafe(t *testing.T) {
	w := newWorld(t)
	assert.Equal(t, 0, w.r.Run(Env{Identity: w.ids["alice"], Command: "apps"}))
	assert.Equal(t, 2, w.r.Run(Env{Identity: w.ids["alice"], Command: "nope"}))
	assert.Equal(t, 1, w.r.Run(Env{Identity: w.ids["alice"], Command: "keys:add"}))
}

func TestAliasRunsCommand(t *testing.T) {
	w := newWorld(t)
	assert.Equal(t, w.ok("alice", "", "apps"), w.ok("alice", "", "list"))
}

func TestWriteError(t *testing.T) {
	_, err := shellwords.Split(`apps 'x`)
	var b bytes.Buffer
	assert.Equal(t, 2, WriteError(&b, err, false))
	assert.Equal(t, "error: unterminated single quote\nhint: quote arguments as 'value' (write ' inside it as '\\'')\n", b.String())
	b.Reset()
	assert.Equal(t, 1, WriteError(&b, errDisk, true))
	assert.JSONEq(t, `{"error":"internal error","code":"INTERNAL","hint":"`+ErrInternal.Tip+`"}`, b.String())
}

func TestWantsJSON(t *testing.T) {
	tests := map[string]bool{
		"":                    false,
		"--json":              true,
		"a --json b":          true,
		"--json=false":        false,
		"--json --json=false": false,
		"--json=T":            true,
		"-- --json":           false,
		"--jsonx":             false,
		"--json=maybe":        false,
	}
	for line, want := range tests {
		assert.Equal(t, want, wantsJSON(strings.Fields(line)), line)
	}
}

func TestJSONFlagTakenAsValue(t *testing.T) {
	w := newWorld(t)
	// --json is the value of --confirm here, so the error is text
	res := w.run("alice", "", "apps:destroy", "alice-bot", "--confirm", "--json")
	assert.Equal(t, 1, res.code)
	assert.True(t, strings.HasPrefix(res.stderr, "error: --confirm \"--json\" does not match"), res.stderr)
}
