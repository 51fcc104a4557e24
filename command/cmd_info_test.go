package command

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelpListsWhatYouCanRun(t *testing.T) {
	w := newWorld(t)
	names := func(who string) []string {
		var out []string
		for _, c := range decode[[]map[string]any](t, w.ok(who, "", "help", "--json")) {
			out = append(out, c["name"].(string))
		}
		return out
	}
	// A deploy key may push, so it may also deploy an archive or a Git URL.
	assert.Equal(t, []string{"help", "version", "whoami", "deploy:image", "deploy:archive", "deploy:git"}, names("deploy"))
	assert.NotContains(t, names("alice"), "users:add")
	assert.Contains(t, names("alice"), "apps:destroy")
	assert.Contains(t, names("root"), "users:add")
	assert.Len(t, names("root"), len(commands()))
}

func TestHelpText(t *testing.T) {
	w := newWorld(t)
	out := w.ok("alice", "", "help")
	assert.True(t, strings.HasPrefix(out, "usage: ssh <host> <command> [args] [--json]\n\n"), out)
	assert.Contains(t, out, "\n  apps:destroy <app> --confirm <app>\n      delete an app")
	assert.Contains(t, out, "\n  apps:create <app>           create an empty app")
	assert.Contains(t, out, "\nrun `help <command>` for its flags\n")
}

func TestHelpForOneCommand(t *testing.T) {
	w := newWorld(t)
	want := "usage: apps:destroy <app> --confirm <app>\n\n" +
		"delete an app, its repository and its deploy keys for good\n\n" +
		"flags:\n" +
		"  --confirm <app>  the app's name again: destroying cannot be undone\n" +
		"  --json           print JSON for scripts\n"
	assert.Equal(t, want, w.ok("alice", "", "help", "apps:destroy"))
	assert.Equal(t, want, w.ok("alice", "", "apps:destroy", "--help"), "--help prints the same")
	assert.Equal(t, want, w.ok("alice", "", "apps:destroy", "-h", "x", "y", "z"), "-h wins over bad arguments")

	out := w.ok("alice", "", "help", "apps")
	assert.Contains(t, out, "\naliases: list\n")
	out = w.ok("root", "", "help", "users:add")
	assert.Contains(t, out, "(admins only)\n")
	assert.Contains(t, out, "\nstdin: the user's public key as an authorized_keys line\n")
}

func TestHelpForOneCommandJSON(t *testing.T) {
	w := newWorld(t)
	got := decode[map[string]any](t, w.ok("alice", "", "help", "apps", "--json"))
	assert.Equal(t, []string{"admin", "aliases", "flags", "name", "stdin", "summary", "usage"}, keysOf(got))
	assert.Equal(t, []any{"list"}, got["aliases"])
	assert.Equal(t, []any{map[string]any{"name": "json", "value": "", "help": "print JSON for scripts"}}, got["flags"])

	list := decode[[]map[string]any](t, w.ok("alice", "", "help", "--json"))
	require.NotEmpty(t, list)
	assert.Equal(t, []string{"aliases", "name", "summary", "usage"}, keysOf(list[0]))
	assert.Equal(t, []any{}, list[0]["aliases"], "lists are never null")
}

func TestHelpUnknownCommand(t *testing.T) {
	w := newWorld(t)
	res := w.run("alice", "", "help", "whoam")
	assert.Equal(t, 2, res.code)
	assert.Equal(t, "error: unknown command \"whoam\"\nhint: did you mean `whoami`? run `help` for the list\n", res.stderr)
}

func TestVersion(t *testing.T) {
	w := newWorld(t)
	assert.Equal(t, "botrunner 1.2.3\n", w.ok("deploy", "", "version"))
	assert.JSONEq(t, `{"version":"1.2.3"}`, w.ok("alice", "", "version", "--json"))
}

func TestWhoami(t *testing.T) {
	w := newWorld(t)
	fp := func(who string) string { return w.ids[who].Fingerprint }
	tests := []struct {
		who, text string
		json      map[string]any
	}{
		{"alice", "user  alice\nrole  user\nkey   " + fp("alice") + "\n",
			map[string]any{"user": "alice", "role": "user", "deploy_app": "", "fingerprint": fp("alice")}},
		{"root", "user  root\nrole  admin\nkey   " + fp("root") + "\n",
			map[string]any{"user": "root", "role": "admin", "deploy_app": "", "fingerprint": fp("root")}},
		{"deploy", "user  deploy key for alice-bot\nrole  deploy_key\nkey   " + fp("deploy") + "\n",
			map[string]any{"user": "", "role": "deploy_key", "deploy_app": "alice-bot", "fingerprint": fp("deploy")}},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			assert.Equal(t, tt.text, w.ok(tt.who, "", "whoami"))
			assert.Equal(t, tt.json, decode[map[string]any](t, w.ok(tt.who, "", "whoami", "--json")))
		})
	}
}
