package auth

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/store"
)

func TestBootstrapFirstStart(t *testing.T) {
	s := openStore(t)
	a := New(s, 3)
	pk1, line1 := testKey(t, "ops@host")
	pk2, line2 := testKey(t, "")
	require.NoError(t, a.Bootstrap([]string{line1, line2, line1}))

	u, err := s.User(AdminUser)
	require.NoError(t, err)
	assert.True(t, u.Admin)
	keys, err := s.KeysOf(AdminUser)
	require.NoError(t, err)
	assert.Len(t, keys, 2, "a repeated line is added once")
	id, err := a.Identify(pk1)
	require.NoError(t, err)
	assert.Equal(t, Identity{User: AdminUser, Admin: true, Fingerprint: Fingerprint(pk1)}, id)
	_, err = a.Identify(pk2)
	require.NoError(t, err)
}

func TestBootstrapTwiceIsIdempotent(t *testing.T) {
	s := openStore(t)
	a := New(s, 3)
	_, line := testKey(t, "")
	require.NoError(t, a.Bootstrap([]string{line}))
	require.NoError(t, a.Bootstrap([]string{line}))
	n, err := s.CountUsers()
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	keys, err := s.KeysOf(AdminUser)
	require.NoError(t, err)
	assert.Len(t, keys, 1)
}

func TestBootstrapLaterStart(t *testing.T) {
	w := newWorld(t, 3)
	_, first := testKey(t, "")
	newPK, second := testKey(t, "new")
	// The store already has users, and no "admin": the first key creates it.
	require.NoError(t, w.a.Bootstrap([]string{first}))
	require.NoError(t, w.a.Bootstrap([]string{first, second}))
	keys, err := w.s.KeysOf(AdminUser)
	require.NoError(t, err)
	assert.Len(t, keys, 2)
	id, err := w.a.Identify(newPK)
	require.NoError(t, err)
	assert.True(t, id.Admin)

	// alice's key already belongs to an admin: left where it is.
	aliceLine := NewKey(w.aliceK, "").AuthorizedKey
	require.NoError(t, w.a.Bootstrap([]string{aliceLine}))
	id, err = w.a.Identify(w.aliceK)
	require.NoError(t, err)
	assert.Equal(t, "alice", id.User)
}

func TestBootstrapRefuses(t *testing.T) {
	w := newWorld(t, 3)
	_, good := testKey(t, "")
	tests := []struct {
		name  string
		lines []string
		code  string
	}{
		{"non-admin's key", []string{good, NewKey(w.bobK, "").AuthorizedKey}, "KEY_IN_USE"},
		{"deploy key", []string{NewKey(w.deployK, "").AuthorizedKey}, "KEY_IN_USE"},
		{"invalid line", []string{good, "not a key"}, "INVALID_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := w.a.Bootstrap(tt.lines)
			assert.Equal(t, tt.code, hint.CodeOf(err), "%v", err)
			_, err = w.s.User(AdminUser)
			assert.ErrorIs(t, err, store.ErrNotFound, "nothing written on refusal")
		})
	}
	id, err := w.a.Identify(w.bobK)
	require.NoError(t, err)
	assert.Equal(t, "bob", id.User)
	assert.False(t, id.Admin)
}

func TestBootstrapWithoutKeys(t *testing.T) {
	s := openStore(t)
	a := New(s, 3)
	require.NoError(t, a.Bootstrap(nil))
	n, err := s.CountUsers()
	require.NoError(t, err)
	assert.Zero(t, n)
}
