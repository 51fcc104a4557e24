package store

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

const loginPassword = "reg-pass-very-distinctive-9f3a"

func TestRegistryLoginRoundTrip(t *testing.T) {
	s, dir := boxedWithApps(t)
	_, ok, err := s.RegistryLogin("bob-bot")
	require.NoError(t, err)
	assert.False(t, ok, "no login before one is set")

	want := RegistryLogin{Registry: "127.0.0.1:5000", Username: "alice", Password: loginPassword}
	require.NoError(t, s.SetRegistryLogin("bob-bot", want))
	got, ok, err := s.RegistryLogin("bob-bot")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, want, got)

	// Another app has none; a reopened store still opens it.
	_, ok, err = s.RegistryLogin("carol-bot")
	require.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, s.Close())
	s = reopenBoxed(t, dir)
	got, ok, err = s.RegistryLogin("bob-bot")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, want, got)

	replaced := RegistryLogin{Registry: "registry.example.com", Username: "bob", Password: "other"}
	require.NoError(t, s.SetRegistryLogin("bob-bot", replaced))
	got, _, err = s.RegistryLogin("bob-bot")
	require.NoError(t, err)
	assert.Equal(t, replaced, got)
}

func TestRegistryLoginNeverInPlaintext(t *testing.T) {
	s, dir := boxedWithApps(t)
	l := RegistryLogin{Registry: "127.0.0.1:5000", Username: "alice", Password: loginPassword}
	require.NoError(t, s.SetRegistryLogin("bob-bot", l))

	data, err := json.Marshal(l)
	require.NoError(t, err)
	assert.NotContains(t, string(data), loginPassword, "JSON of a login")
	assert.Equal(t, "alice @ 127.0.0.1:5000", l.String())
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "login", l)
	assert.NotContains(t, logged.String(), loginPassword, "log line")
	assert.Contains(t, logged.String(), "alice")

	require.NoError(t, s.Close())
	raw, err := os.ReadFile(filepath.Join(dir, "gitd.db"))
	require.NoError(t, err)
	assert.False(t, bytes.Contains(raw, []byte(loginPassword)), "password found in the db file")
}

func TestRegistryLoginGoesWithTheApp(t *testing.T) {
	s, _ := boxedWithApps(t)
	require.NoError(t, s.SetRegistryLogin("bob-bot", RegistryLogin{Registry: "r:5000", Username: "a", Password: "p"}))
	require.NoError(t, s.DeleteApp("bob-bot"))
	require.NoError(t, s.CreateApp(App{Name: "bob-bot", Owner: "carol"}, 0))
	_, ok, err := s.RegistryLogin("bob-bot")
	require.NoError(t, err)
	assert.False(t, ok, "a new app of the same name must not inherit the old login")

	require.NoError(t, s.SetRegistryLogin("bob-bot", RegistryLogin{Registry: "r:5000", Username: "a", Password: "p"}))
	require.NoError(t, s.DeleteRegistryLogin("bob-bot"))
	_, ok, err = s.RegistryLogin("bob-bot")
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestRegistryLoginRefused(t *testing.T) {
	s, _ := boxedWithApps(t)
	good := RegistryLogin{Registry: "r:5000", Username: "a", Password: "p"}
	for name, l := range map[string]RegistryLogin{
		"no registry": {Username: "a", Password: "p"},
		"no username": {Registry: "r:5000", Password: "p"},
		"no password": {Registry: "r:5000", Username: "a"},
		"newline":     {Registry: "r:5000", Username: "a\nb", Password: "p"},
		"huge":        {Registry: "r:5000", Username: "a", Password: string(make([]byte, maxLoginField+1))},
	} {
		assert.Error(t, s.SetRegistryLogin("bob-bot", l), name)
	}
	err := s.SetRegistryLogin("nobody-bot", good)
	assert.Equal(t, "NOT_FOUND", hint.CodeOf(err))
	_, _, err = s.RegistryLogin("nobody-bot")
	assert.Equal(t, "NOT_FOUND", hint.CodeOf(err))

	plain, _ := openTemp(t)
	assert.ErrorIs(t, plain.SetRegistryLogin("bob-bot", good), ErrNoSecretKey)
}
