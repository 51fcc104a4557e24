package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func TestLoadOrCreateKeyCreatesPrivateFileAndReloads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "secret.key")
	b1, err := LoadOrCreateKey(path)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assert.EqualValues(t, KeySize, fi.Size())
	di, err := os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())

	sealed, err := b1.Seal([]byte("hello"))
	require.NoError(t, err)
	b2, err := LoadOrCreateKey(path)
	require.NoError(t, err)
	got, err := b2.Open(sealed)
	require.NoError(t, err, "the same file gives the same key")
	assert.Equal(t, "hello", string(got))
}

func TestLoadOrCreateKeyRefusesOpenPermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	_, err := LoadOrCreateKey(path)
	require.NoError(t, err)
	for _, mode := range []os.FileMode{0o640, 0o604, 0o620, 0o644} {
		require.NoError(t, os.Chmod(path, mode))
		_, err := LoadOrCreateKey(path)
		require.Error(t, err, "mode %o", mode)
		assert.True(t, errors.Is(err, ErrKeyFileMode))
		assert.Equal(t, "INSECURE_KEY_FILE", hint.CodeOf(err))
		assert.Contains(t, hint.TipOf(err), "chmod 600 "+path)
	}
	require.NoError(t, os.Chmod(path, 0o400))
	_, err = LoadOrCreateKey(path)
	assert.NoError(t, err, "owner read-only is fine")
}

func TestLoadOrCreateKeyRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		setup func(path string)
	}{
		{"short", func(p string) { require.NoError(t, os.WriteFile(p, make([]byte, 16), 0o600)) }},
		{"long", func(p string) { require.NoError(t, os.WriteFile(p, make([]byte, 33), 0o600)) }},
		{"empty", func(p string) { require.NoError(t, os.WriteFile(p, nil, 0o600)) }},
		{"directory", func(p string) { require.NoError(t, os.Mkdir(p, 0o700)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			tt.setup(path)
			_, err := LoadOrCreateKey(path)
			assert.True(t, errors.Is(err, ErrKeyFileInvalid), "got %v", err)
		})
	}
}

func TestLoadOrCreateKeyConcurrentCreatorsAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	boxes := make([]*Box, 8)
	var wg sync.WaitGroup
	for i := range boxes {
		wg.Go(func() {
			b, err := LoadOrCreateKey(path)
			if err == nil {
				boxes[i] = b
			}
		})
	}
	wg.Wait()
	// A reader may catch the winner's file before its 32 bytes are written
	// (INVALID_KEY_FILE); the ones that succeeded must share one key.
	var ref *Box
	for _, b := range boxes {
		if b == nil {
			continue
		}
		if ref == nil {
			ref = b
			continue
		}
		sealed, err := ref.Seal([]byte("x"))
		require.NoError(t, err)
		_, err = b.Open(sealed)
		assert.NoError(t, err)
	}
	require.NotNil(t, ref)
}
