package command

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAccessAdd(t *testing.T) {
	w := newWorld(t)
	assert.Equal(t, "carol can now push to alice-bot\n", w.ok("alice", "", "access:add", "alice-bot", "carol"))
	app, err := w.s.App("alice-bot")
	require.NoError(t, err)
	assert.Equal(t, []string{"bob", "carol"}, app.Collaborators)

	// carol now sees it and may read it
	w.ok("carol", "", "apps:info", "alice-bot")
	assert.JSONEq(t, `{"app":"alice-bot","user":"carol","access":true}`,
		w.ok("alice", "", "access:add", "alice-bot", "carol", "--json"), "adding twice is fine")
}

func TestAccessRemove(t *testing.T) {
	w := newWorld(t)
	assert.JSONEq(t, `{"app":"alice-bot","user":"bob","access":false}`,
		w.ok("root", "", "access:remove", "alice-bot", "bob", "--json"))
	res := w.run("bob", "", "apps:info", "alice-bot")
	assert.Equal(t, "error: app not found\nhint: run `apps` to list the apps you can use\n", res.stderr)
}

func TestAccessErrors(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name   string
		who    string
		words  []string
		code   int
		stderr string
	}{
		{"collaborator may not grant", "bob", []string{"access:add", "alice-bot", "carol"}, 1,
			"error: only the owner can do that\nhint: ask the app's owner or an admin\n"},
		{"unknown user", "alice", []string{"access:add", "alice-bot", "zed"}, 1,
			"error: user \"zed\" not found\nhint: check the spelling; an admin can list users with `users`\n"},
		{"invalid user name", "alice", []string{"access:add", "alice-bot", "Zed!"}, 1,
			"error: invalid user name \"Zed!\"\nhint: user names must match ^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$ " +
				"(1-32 lowercase letters, digits and dashes, starting with a letter)\n"},
		{"owner", "alice", []string{"access:add", "alice-bot", "alice"}, 1,
			"error: alice owns alice-bot already\nhint: collaborators are the other users who may push\n"},
		{"not a collaborator", "alice", []string{"access:remove", "alice-bot", "carol"}, 1,
			"error: carol is not a collaborator on alice-bot\nhint: run `apps:info <app>` to see its collaborators\n"},
		{"missing user argument", "alice", []string{"access:add", "alice-bot"}, 2,
			"error: access:add needs <user>\nhint: usage: access:add <app> <user>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := w.run(tt.who, "", tt.words...)
			assert.Equal(t, tt.code, res.code)
			assert.Equal(t, tt.stderr, res.stderr)
		})
	}
}
