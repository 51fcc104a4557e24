package receive

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/botrunner/botrunner/gitpack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// quarantines lists the quarantine dirs left in repoDir.
func quarantines(t testing.TB, repoDir string) []string {
	t.Helper()
	ents, err := os.ReadDir(repoDir)
	require.NoError(t, err)
	var qs []string
	for _, e := range ents {
		if isQuarantine(e.Name()) {
			qs = append(qs, e.Name())
		}
	}
	return qs
}

func TestReceivePackQuarantine(t *testing.T) {
	o := newObjs(t)
	c := o.simpleCommit(strings.Repeat("print('hello')\n", 200))
	pack := o.pack(o.all()...)

	tests := []struct {
		name    string
		in      []byte
		max     int64
		wantErr error
	}{
		{"valid pack", pack, 1 << 20, nil},
		{"pack exactly at the limit", pack, int64(len(pack)), nil},
		{"pack one byte over the limit", pack, int64(len(pack)) - 1, gitpack.ErrTooLarge},
		{"garbage", []byte(strings.Repeat("garbage!", 100)), 1 << 20, gitpack.ErrBadPack},
		{"bad signature, right length", append([]byte("JUNK"), pack[4:]...), 1 << 20, gitpack.ErrBadPack},
		{"truncated header", pack[:10], 1 << 20, gitpack.ErrBadPack},
		{"truncated in the objects", pack[:len(pack)/2], 1 << 20, gitpack.ErrBadPack},
		{"missing checksum", pack[:len(pack)-20], 1 << 20, gitpack.ErrBadPack},
		{"corrupt checksum", append(append([]byte{}, pack[:len(pack)-1]...), pack[len(pack)-1]^0xff), 1 << 20, gitpack.ErrBadPack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repoDir := t.TempDir()
			q, err := receivePack(context.Background(), repoDir, nil, bytes.NewReader(tt.in), gitpack.Limits{MaxBytes: tt.max})
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, q)
				assert.Empty(t, quarantines(t, repoDir), "quarantine removed")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []string{filepath.Base(q.dir)}, quarantines(t, repoDir))
			require.NoError(t, q.st.HasEncodedObject(c))

			require.NoError(t, q.moveInto(repoDir))
			packs, err := filepath.Glob(filepath.Join(repoDir, "objects", "pack", "pack-*"))
			require.NoError(t, err)
			assert.Len(t, packs, 2, ".pack and .idx moved in")
			q.drop()
			assert.Empty(t, quarantines(t, repoDir))
		})
	}
}

// TestReceivePackEmptyStream: a client that sends commands that need a
// pack but no pack is refused, as git's receive-pack does, and leaves
// nothing behind.
func TestReceivePackEmptyStream(t *testing.T) {
	repoDir := t.TempDir()
	q, err := receivePack(context.Background(), repoDir, nil, strings.NewReader(""), gitpack.Limits{})
	require.ErrorIs(t, err, gitpack.ErrBadPack)
	assert.Nil(t, q)
	assert.Empty(t, quarantines(t, repoDir))
}

func TestNewReposDropsStaleQuarantines(t *testing.T) {
	root := t.TempDir()
	r, err := NewRepos(root, Options{})
	require.NoError(t, err)
	require.NoError(t, r.Create("my-bot"))
	repoDir := filepath.Join(root, "my-bot.git")
	stale, err := os.MkdirTemp(repoDir, quarantinePrefix)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(stale, "x"), []byte("x"), 0o600))

	_, err = NewRepos(root, Options{})
	require.NoError(t, err)
	assert.NoDirExists(t, stale)
	assert.True(t, r.Exists("my-bot"))
}
