package store

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/secrets"
)

const (
	plainValue = "hunter2-very-distinctive-value"
	plainName  = "DISTINCTIVE_SECRET_NAME"
)

// fillSecrets gives bob-bot a config and a release that carries it.
func fillSecrets(t *testing.T, s *Store) Release {
	t.Helper()
	up, err := s.UpdateConfig("bob-bot", map[string]string{plainName: plainValue, BotTokenName: token(42)}, nil)
	require.NoError(t, err)
	r, err := s.AddRelease(Release{App: "bob-bot", Status: ReleaseBuilding, Config: up.Config, ConfigChange: up.Change})
	require.NoError(t, err)
	return r
}

func TestSecretsNeverInPlaintextOnDisk(t *testing.T) {
	s, dir := boxedWithApps(t)
	fillSecrets(t, s)
	_, err := s.AddRelease(Release{App: "bob-bot", Config: map[string]string{"OLD": plainValue + "-old"}})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	raw, err := os.ReadFile(filepath.Join(dir, "gitd.db"))
	require.NoError(t, err)
	require.True(t, bytes.Contains(raw, []byte("bob-bot")), "sanity: the file holds plain records")
	// Names are not secret (ConfigChange lists them in the release record);
	// values are.
	for _, needle := range []string{plainValue, token(42), "hunter2"} {
		assert.False(t, bytes.Contains(raw, []byte(needle)), "%q found in the db file", needle)
	}
}

func TestReleaseConfigRoundTrip(t *testing.T) {
	s, _ := boxedWithApps(t)
	r := fillSecrets(t, s)
	want := map[string]string{plainName: plainValue, BotTokenName: token(42)}
	got, err := s.Release("bob-bot", r.Number)
	require.NoError(t, err)
	assert.Equal(t, want, got.Config)
	assert.Equal(t, "set BOT_TOKEN, "+plainName, got.ConfigChange)

	got.Status = ReleaseDeployed
	require.NoError(t, s.UpdateRelease(got))
	rels, err := s.Releases("bob-bot")
	require.NoError(t, err)
	require.Len(t, rels, 1)
	assert.Equal(t, want, rels[0].Config, "UpdateRelease keeps the config it is given")
	assert.Equal(t, ReleaseDeployed, rels[0].Status)

	got.Config = nil
	require.NoError(t, s.UpdateRelease(got))
	got, err = s.Release("bob-bot", r.Number)
	require.NoError(t, err)
	assert.Nil(t, got.Config, "UpdateRelease replaces the whole release, config too")

	out, err := json.Marshal(rels[0])
	require.NoError(t, err)
	assert.NotContains(t, string(out), plainValue, "a Release never marshals its config")
}

func TestDeleteAppDropsReleaseConfig(t *testing.T) {
	s, _ := boxedWithApps(t)
	fillSecrets(t, s)
	require.NoError(t, s.DeleteApp("bob-bot"))
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		assert.Zero(t, tx.Bucket(bucketRelConfig).Stats().KeyN)
		assert.Zero(t, tx.Bucket(bucketConfig).Stats().KeyN)
		assert.Zero(t, tx.Bucket(bucketBotIDs).Stats().KeyN)
		assert.Zero(t, tx.Bucket(bucketBots).Stats().KeyN)
		return nil
	}))
}

func TestReopenWithSameKeyReadsEverything(t *testing.T) {
	s, dir := boxedWithApps(t)
	r := fillSecrets(t, s)
	require.NoError(t, s.Close())

	s = reopenBoxed(t, dir)
	cfg, err := s.Config("bob-bot")
	require.NoError(t, err)
	assert.Equal(t, plainValue, cfg[plainName])
	got, err := s.Release("bob-bot", r.Number)
	require.NoError(t, err)
	assert.Equal(t, plainValue, got.Config[plainName])
	assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(setToken(s, "carol-bot", token(42))), "the token index survives")
}

func TestWrongKeyFailsAtOpen(t *testing.T) {
	s, dir := boxedWithApps(t)
	fillSecrets(t, s)
	require.NoError(t, s.Close())

	key := make([]byte, secrets.KeySize)
	_, _ = rand.Read(key)
	other, err := secrets.New(key)
	require.NoError(t, err)
	_, err = OpenWithBox(filepath.Join(dir, "gitd.db"), other)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrSecretKeyMismatch))
	assert.Equal(t, "SECRET_KEY_MISMATCH", hint.CodeOf(err))
	assert.Contains(t, hint.TipOf(err), "secret.key")

	s = reopenBoxed(t, dir)
	_, err = s.Config("bob-bot")
	assert.NoError(t, err, "the failed open wrote nothing and left the file usable")
}

func TestWrongKeyOnASealedValueFailsClearly(t *testing.T) {
	s, _ := boxedWithApps(t)
	fillSecrets(t, s)
	key := make([]byte, secrets.KeySize)
	_, _ = rand.Read(key)
	s.box, _ = secrets.New(key) // as if the key check were bypassed
	_, err := s.Config("bob-bot")
	assert.True(t, errors.Is(err, ErrSecretKeyMismatch), "got %v", err)
	_, err = s.Release("bob-bot", 1)
	assert.True(t, errors.Is(err, ErrSecretKeyMismatch), "got %v", err)
}

func TestStoreWithoutBox(t *testing.T) {
	s, dir := boxedWithApps(t)
	fillSecrets(t, s)
	require.NoError(t, s.Close())

	s, err := Open(filepath.Join(dir, "gitd.db"))
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Config("bob-bot")
	assert.ErrorIs(t, err, ErrNoSecretKey)
	_, err = s.SetConfig("bob-bot", map[string]string{"A": "1"}, nil)
	assert.ErrorIs(t, err, ErrNoSecretKey)
	_, err = s.Release("bob-bot", 1)
	assert.ErrorIs(t, err, ErrNoSecretKey, "a sealed release config needs the key")
	_, err = s.AddRelease(Release{App: "bob-bot", Config: map[string]string{"A": "1"}})
	assert.ErrorIs(t, err, ErrNoSecretKey)

	r, err := s.AddRelease(Release{App: "carol-bot"})
	require.NoError(t, err, "releases without config work without a key")
	_, err = s.Release("carol-bot", r.Number)
	assert.NoError(t, err)
	require.NoError(t, s.DeleteApp("bob-bot"), "deleting needs no key either")
}
