package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func TestAddKey(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "my-bot", Owner: "bob"}, 0))
	tests := []struct {
		name string
		key  Key
		code string // "" for success, "INTERNAL" for a programming error
	}{
		{"user key", Key{Fingerprint: "SHA256:b1", User: "bob"}, ""},
		{"second user key", Key{Fingerprint: "SHA256:b2", User: "bob"}, ""},
		{"deploy key", Key{Fingerprint: "SHA256:d1", App: "my-bot"}, ""},
		{"same key same user", Key{Fingerprint: "SHA256:b1", User: "bob"}, "ALREADY_EXISTS"},
		{"same key other user", Key{Fingerprint: "SHA256:b1", User: "carol"}, "ALREADY_EXISTS"},
		{"user key as deploy key", Key{Fingerprint: "SHA256:b1", App: "my-bot"}, "ALREADY_EXISTS"},
		{"deploy key as user key", Key{Fingerprint: "SHA256:d1", User: "carol"}, "ALREADY_EXISTS"},
		{"missing user", Key{Fingerprint: "SHA256:x", User: "nobody"}, "NOT_FOUND"},
		{"missing app", Key{Fingerprint: "SHA256:x", App: "no-bot"}, "NOT_FOUND"},
		{"no owner", Key{Fingerprint: "SHA256:x"}, "INTERNAL"},
		{"both owners", Key{Fingerprint: "SHA256:x", User: "bob", App: "my-bot"}, "INTERNAL"},
		{"no fingerprint", Key{User: "bob"}, "INTERNAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.AddKey(tt.key)
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.code, hint.CodeOf(err), "%v", err)
		})
	}

	keys, err := s.KeysOf("bob")
	require.NoError(t, err)
	require.Len(t, keys, 2)
	assert.Equal(t, "SHA256:b1", keys[0].Fingerprint)
	assert.False(t, keys[0].Added.IsZero())
	none, err := s.KeysOf("carol")
	require.NoError(t, err)
	assert.Empty(t, none)
	deploy, err := s.DeployKeysOf("my-bot")
	require.NoError(t, err)
	require.Len(t, deploy, 1)
	assert.Equal(t, "SHA256:d1", deploy[0].Fingerprint)
	none, err = s.KeysOf("")
	require.NoError(t, err)
	assert.Empty(t, none, "the empty user must not match deploy keys")
}

func TestRemoveKey(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.AddKey(Key{Fingerprint: "SHA256:b1", User: "bob"}))
	require.NoError(t, s.RemoveKey("SHA256:b1"))
	_, err := s.KeyByFingerprint("SHA256:b1")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, s.RemoveKey("SHA256:b1"), ErrNotFound)
	require.NoError(t, s.AddKey(Key{Fingerprint: "SHA256:b1", User: "carol"}), "a removed key may be reused")
}
