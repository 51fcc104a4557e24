package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "gitd.db")
	s, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

// seed creates users alice (admin), bob and carol.
func seed(t *testing.T, s *Store) {
	t.Helper()
	require.NoError(t, s.CreateUser(User{Name: "alice", Admin: true}))
	require.NoError(t, s.CreateUser(User{Name: "bob"}))
	require.NoError(t, s.CreateUser(User{Name: "carol"}))
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	_, path := openTemp(t)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gitd.db")
	s, err := Open(path)
	require.NoError(t, err)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "my-bot", Owner: "bob", Collaborators: []string{"carol"}}, 3))
	require.NoError(t, s.AddKey(Key{Fingerprint: "SHA256:a", User: "bob", Comment: "laptop"}))
	require.NoError(t, s.Close())

	s, err = Open(path)
	require.NoError(t, err)
	defer s.Close()
	n, err := s.CountUsers()
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	app, err := s.App("my-bot")
	require.NoError(t, err)
	assert.Equal(t, "bob", app.Owner)
	assert.Equal(t, []string{"carol"}, app.Collaborators)
	assert.False(t, app.Created.IsZero())
	k, err := s.KeyByFingerprint("SHA256:a")
	require.NoError(t, err)
	assert.Equal(t, "laptop", k.Comment)
}

func TestSecondOpenFailsFastWhileLocked(t *testing.T) {
	_, path := openTemp(t)
	start := time.Now()
	s2, err := Open(path)
	if s2 != nil {
		_ = s2.Close()
	}
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrDataDirLocked)
	assert.Equal(t, "DATA_DIR_LOCKED", hint.CodeOf(err))
	assert.Contains(t, hint.TipOf(err), "another gitd is using this data dir")
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestOpenAfterCloseSucceeds(t *testing.T) {
	s, path := openTemp(t)
	require.NoError(t, s.Close())
	s2, err := Open(path)
	require.NoError(t, err)
	require.NoError(t, s2.Close())
}

func TestUsers(t *testing.T) {
	s, _ := openTemp(t)
	n, err := s.CountUsers()
	require.NoError(t, err)
	assert.Zero(t, n)

	for _, name := range []string{"zed", "amy", "m"} {
		require.NoError(t, s.CreateUser(User{Name: name}))
	}
	tests := []struct {
		name string
		user User
		code string
	}{
		{"duplicate", User{Name: "amy", Admin: true}, "ALREADY_EXISTS"},
		{"invalid", User{Name: "Amy"}, "INVALID_USER_NAME"},
		{"empty", User{}, "INVALID_USER_NAME"},
		{"trailing dash", User{Name: "amy-"}, "INVALID_USER_NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.code, hint.CodeOf(s.CreateUser(tt.user)))
		})
	}

	users, err := s.Users()
	require.NoError(t, err)
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	assert.Equal(t, []string{"amy", "m", "zed"}, names)
	amy, err := s.User("amy")
	require.NoError(t, err)
	assert.False(t, amy.Admin, "the failed duplicate must not overwrite")

	_, err = s.User("nobody")
	assert.ErrorIs(t, err, ErrNotFound)
	n, err = s.CountUsers()
	require.NoError(t, err)
	assert.Equal(t, 3, n)
}

func TestCreateUserWithKeysIsAtomic(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.AddKey(Key{Fingerprint: "SHA256:taken", User: "bob"}))

	err := s.CreateUserWithKeys(User{Name: "dave"}, []Key{{Fingerprint: "SHA256:new"}, {Fingerprint: "SHA256:taken"}})
	assert.ErrorIs(t, err, ErrExists)
	_, err = s.User("dave")
	assert.ErrorIs(t, err, ErrNotFound, "user must not exist after a failed create")
	_, err = s.KeyByFingerprint("SHA256:new")
	assert.ErrorIs(t, err, ErrNotFound)

	require.NoError(t, s.CreateUserWithKeys(User{Name: "dave"}, []Key{{Fingerprint: "SHA256:new", App: "ignored"}}))
	k, err := s.KeyByFingerprint("SHA256:new")
	require.NoError(t, err)
	assert.Equal(t, "dave", k.User)
	assert.Empty(t, k.App)
}

func TestDeleteUser(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "bob-bot", Owner: "bob"}, 0))
	require.NoError(t, s.AddCollaborator("bob-bot", "carol"))
	require.NoError(t, s.AddKey(Key{Fingerprint: "SHA256:c1", User: "carol"}))
	require.NoError(t, s.AddKey(Key{Fingerprint: "SHA256:c2", User: "carol"}))
	require.NoError(t, s.AddKey(Key{Fingerprint: "SHA256:b1", User: "bob"}))

	err := s.DeleteUser("bob")
	assert.ErrorIs(t, err, ErrUserOwnsApps)
	assert.Contains(t, err.Error(), "bob-bot")
	_, err = s.User("bob")
	require.NoError(t, err, "refused delete must leave the user")
	_, err = s.KeyByFingerprint("SHA256:b1")
	require.NoError(t, err, "refused delete must leave the keys")

	require.NoError(t, s.DeleteUser("carol"))
	_, err = s.User("carol")
	assert.ErrorIs(t, err, ErrNotFound)
	keys, err := s.KeysOf("carol")
	require.NoError(t, err)
	assert.Empty(t, keys)
	app, err := s.App("bob-bot")
	require.NoError(t, err)
	assert.Empty(t, app.Collaborators)
	_, err = s.KeyByFingerprint("SHA256:b1")
	assert.NoError(t, err, "other users' keys stay")

	assert.ErrorIs(t, s.DeleteUser("carol"), ErrNotFound)
	assert.ErrorIs(t, s.DeleteUser("alice"), ErrLastAdmin)
	require.NoError(t, s.CreateUser(User{Name: "dora", Admin: true}))
	assert.NoError(t, s.DeleteUser("alice"))
}
