package command

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeployKeys(t *testing.T) {
	w := newWorld(t)
	list := decode[[]map[string]any](t, w.ok("alice", "", "deploy-keys", "alice-bot", "--json"))
	require.Len(t, list, 1)
	assert.Equal(t, []string{"added", "comment", "fingerprint"}, keysOf(list[0]))
	assert.Equal(t, w.ids["deploy"].Fingerprint, list[0]["fingerprint"])

	assert.Equal(t, "[]\n", w.ok("carol", "", "deploy-keys", "carol-bot", "--json"))
	assert.Equal(t, "no deploy keys; add one with `deploy-keys:add carol-bot` and the key on stdin\n",
		w.ok("carol", "", "deploy-keys", "carol-bot"))
}

func TestDeployKeysAdd(t *testing.T) {
	w := newWorld(t)
	k, line := newKey(t, "github-actions")
	got := decode[map[string]any](t, w.ok("carol", line, "deploy-keys:add", "carol-bot", "--json"))
	assert.Equal(t, []string{"added", "app", "comment", "fingerprint"}, keysOf(got))
	assert.Equal(t, "carol-bot", got["app"])
	assert.Equal(t, k.Fingerprint, got["fingerprint"])
	assert.Equal(t, "github-actions", got["comment"])

	stored, err := w.s.KeyByFingerprint(k.Fingerprint)
	require.NoError(t, err)
	assert.Equal(t, "carol-bot", stored.App)
	assert.Empty(t, stored.User)
}

func TestDeployKeysManageOnly(t *testing.T) {
	w := newWorld(t)
	_, line := newKey(t, "")
	for _, words := range [][]string{
		{"deploy-keys", "alice-bot"},
		{"deploy-keys:add", "alice-bot"},
		{"deploy-keys:remove", "alice-bot", w.ids["deploy"].Fingerprint},
	} {
		res := w.run("bob", line, words...)
		assert.Equal(t, 1, res.code)
		assert.Equal(t, "error: only the owner can do that\nhint: ask the app's owner or an admin\n", res.stderr, "%v", words)
	}
}

func TestDeployKeysRemove(t *testing.T) {
	w := newWorld(t)
	fp := w.ids["deploy"].Fingerprint
	res := w.run("carol", "", "deploy-keys:remove", "carol-bot", fp)
	assert.Equal(t, 1, res.code)
	assert.Equal(t, "error: key \""+fp+"\" not found among the deploy keys of carol-bot\nhint: run `keys` to list your keys\n",
		res.stderr, "another app's deploy key is not found")

	assert.JSONEq(t, `{"app":"alice-bot","fingerprint":"`+fp+`","removed":true}`,
		w.ok("alice", "", "deploy-keys:remove", "alice-bot", fp, "--json"))
	_, err := w.s.KeyByFingerprint(fp)
	assert.Error(t, err)
}
