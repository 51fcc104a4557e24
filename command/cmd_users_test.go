package command

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsersList(t *testing.T) {
	w := newWorld(t)
	list := decode[[]map[string]any](t, w.ok("root", "", "users", "--json"))
	require.Len(t, list, 4)
	assert.Equal(t, []string{"created", "keys", "name", "role"}, keysOf(list[0]))
	assert.Equal(t, "alice", list[0]["name"])
	assert.Equal(t, "user", list[0]["role"])
	assert.Equal(t, float64(1), list[0]["keys"])
	assert.Equal(t, "admin", list[3]["role"])

	out := created.ReplaceAllString(w.ok("root", "", "users"), "T")
	assert.Equal(t, "NAME   ROLE   KEYS  CREATED\nalice  user   1     T\nbob    user   1     T\n"+
		"carol  user   1     T\nroot   admin  1     T\n", out)
}

func TestUsersAdd(t *testing.T) {
	w := newWorld(t)
	k, line := newKey(t, "dave@home")
	assert.Equal(t, "added user dave with key "+k.Fingerprint+"\n", w.ok("root", line, "users:add", "dave"))
	u, err := w.s.User("dave")
	require.NoError(t, err)
	assert.False(t, u.Admin)
	keys, err := w.s.KeysOf("dave")
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, k.Fingerprint, keys[0].Fingerprint)

	_, line = newKey(t, "")
	got := decode[map[string]any](t, w.ok("root", line, "users:add", "--admin", "erin", "--json"))
	assert.Equal(t, []string{"created", "fingerprint", "name", "role"}, keysOf(got))
	assert.Equal(t, "admin", got["role"])
}

func TestUsersAddErrors(t *testing.T) {
	w := newWorld(t)
	_, line := newKey(t, "")
	tests := []struct {
		name, stdin string
		words       []string
		stderr      string
	}{
		{"existing name", line, []string{"users:add", "bob"},
			"error: user \"bob\" already exists\nhint: pick another user name\n"},
		{"invalid name", line, []string{"users:add", "Bob"},
			"error: invalid user name \"Bob\"\nhint: user names must match ^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$ " +
				"(1-32 lowercase letters, digits and dashes, starting with a letter)\n"},
		{"no key", "", []string{"users:add", "dave"},
			"error: no key given\nhint: send the contents of your public key file, e.g. `cat ~/.ssh/id_ed25519.pub`\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := w.run("root", tt.stdin, tt.words...)
			assert.Equal(t, 1, res.code)
			assert.Equal(t, tt.stderr, res.stderr)
		})
	}
	_, err := w.s.User("dave")
	assert.Error(t, err, "no user without a key")
}

func TestUsersRemove(t *testing.T) {
	w := newWorld(t)
	assert.JSONEq(t, `{"name":"bob","removed":true}`, w.ok("root", "", "users:remove", "bob", "--json"))
	app, err := w.s.App("alice-bot")
	require.NoError(t, err)
	assert.Empty(t, app.Collaborators)

	tests := []struct {
		name, user, stderr string
	}{
		{"self", "root", "error: you cannot remove yourself\nhint: ask another admin to do it\n"},
		{"owns apps", "alice", "error: \"alice\" still owns 1 app(s): alice-bot\nhint: destroy their apps first (apps:destroy <app> --confirm <app>)\n"},
		{"missing", "zed", "error: user \"zed\" not found\nhint: check the name; `apps`, `users` and `keys` list what exists\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := w.run("root", "", "users:remove", tt.user)
			assert.Equal(t, 1, res.code)
			assert.Equal(t, tt.stderr, res.stderr)
		})
	}
}

func TestUsersAdminOnly(t *testing.T) {
	w := newWorld(t)
	_, line := newKey(t, "")
	for _, words := range [][]string{{"users"}, {"users:add", "dave"}, {"users:remove", "bob"}} {
		res := w.run("alice", line, words...)
		assert.Equal(t, 1, res.code)
		assert.Equal(t, "error: only admins can do that\nhint: ask an admin\n", res.stderr)
	}
	_, err := w.s.User("dave")
	assert.Error(t, err)
}
