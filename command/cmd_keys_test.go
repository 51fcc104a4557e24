package command

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/auth"
)

func TestKeysList(t *testing.T) {
	w := newWorld(t)
	fp := w.ids["alice"].Fingerprint
	list := decode[[]map[string]any](t, w.ok("alice", "", "keys", "--json"))
	require.Len(t, list, 1)
	assert.Equal(t, []string{"added", "comment", "current", "fingerprint"}, keysOf(list[0]))
	assert.Equal(t, fp, list[0]["fingerprint"])
	assert.Equal(t, "alice@laptop", list[0]["comment"])
	assert.Equal(t, true, list[0]["current"])

	out := created.ReplaceAllString(w.ok("alice", "", "keys"), "T")
	pad := strings.Repeat(" ", len(fp)-len("FINGERPRINT"))
	assert.Equal(t, "FINGERPRINT"+pad+"  COMMENT       ADDED\n"+fp+"  alice@laptop  T  (this key)\n", out)
}

func TestKeysAdd(t *testing.T) {
	w := newWorld(t)
	k, line := newKey(t, "alice@desktop")
	out := w.ok("alice", line+"\n", "keys:add")
	assert.Equal(t, "added key "+k.Fingerprint+"\n", out)

	got, err := w.s.KeyByFingerprint(k.Fingerprint)
	require.NoError(t, err)
	assert.Equal(t, "alice", got.User)
	assert.Equal(t, line, got.AuthorizedKey)
	assert.Equal(t, "alice@desktop", got.Comment)

	k2, line2 := newKey(t, "")
	j := decode[map[string]any](t, w.ok("alice", line2, "keys:add", "--json"))
	assert.Equal(t, []string{"added", "comment", "fingerprint"}, keysOf(j))
	assert.Equal(t, k2.Fingerprint, j["fingerprint"])
}

func TestKeysAddErrors(t *testing.T) {
	w := newWorld(t)
	_, line := newKey(t, "")
	w.ok("bob", line, "keys:add")
	tests := []struct {
		name, stdin, stderr string
	}{
		{"empty stdin", "", "error: no key given\n"},
		{"not a key", "hello", "error: not an SSH public key\n"},
		{"two keys", line + "\n" + line + "\n", "error: more than one line given\n"},
		{"too large", strings.Repeat("a", 16<<10+1), "error: input too large (more than 16 KiB)\n"},
		{"taken", line, "error: key \"" + mustFP(t, line) + "\" already exists\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := w.run("alice", tt.stdin, "keys:add")
			assert.Equal(t, 1, res.code)
			assert.True(t, strings.HasPrefix(res.stderr, tt.stderr), res.stderr)
			assert.Contains(t, res.stderr, "\nhint: ")
		})
	}
}

// mustFP is the fingerprint of an authorized_keys line.
func mustFP(t *testing.T, line string) string {
	t.Helper()
	pk, _, err := auth.ParseAuthorizedKey([]byte(line))
	require.NoError(t, err)
	return auth.Fingerprint(pk)
}

func TestKeysRemove(t *testing.T) {
	w := newWorld(t)
	k, line := newKey(t, "")
	w.ok("alice", line, "keys:add")
	bare := strings.TrimPrefix(k.Fingerprint, "SHA256:")
	assert.JSONEq(t, `{"fingerprint":"`+k.Fingerprint+`","removed":true}`, w.ok("alice", "", "keys:remove", bare, "--json"))
	_, err := w.s.KeyByFingerprint(k.Fingerprint)
	assert.Error(t, err)
}

func TestKeysRemoveRefusals(t *testing.T) {
	w := newWorld(t)
	own, bob := w.ids["alice"].Fingerprint, w.ids["bob"].Fingerprint
	notFound := func(fp string) string {
		return "error: key \"" + fp + "\" not found among your keys\nhint: run `keys` to list your keys\n"
	}
	tests := []struct {
		name, fp, stderr string
	}{
		{"last key", own, "error: cannot remove your last key\nhint: add another key first with `keys:add`, or you could not log in again\n"},
		{"someone else's key", bob, notFound(bob)},
		{"a deploy key", w.ids["deploy"].Fingerprint, notFound(w.ids["deploy"].Fingerprint)},
		{"unknown key", "SHA256:nope", notFound("SHA256:nope")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := w.run("alice", "", "keys:remove", tt.fp)
			assert.Equal(t, 1, res.code)
			assert.Equal(t, tt.stderr, res.stderr)
		})
	}
	_, err := w.s.KeyByFingerprint(bob)
	assert.NoError(t, err)
}
