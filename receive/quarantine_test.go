package receive

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// quarantines lists the quarantine dirs left in repoDir.
func quarantines(t *testing.T, repoDir string) []string {
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
		{"pack one byte over the limit", pack, int64(len(pack)) - 1, ErrPushTooLarge},
		{"garbage", []byte(strings.Repeat("garbage!", 100)), 1 << 20, ErrBadPack},
		{"bad signature, right length", append([]byte("JUNK"), pack[4:]...), 1 << 20, ErrBadPack},
		{"truncated header", pack[:10], 1 << 20, ErrBadPack},
		{"truncated in the objects", pack[:len(pack)/2], 1 << 20, ErrBadPack},
		{"missing checksum", pack[:len(pack)-20], 1 << 20, ErrBadPack},
		{"corrupt checksum", append(append([]byte{}, pack[:len(pack)-1]...), pack[len(pack)-1]^0xff), 1 << 20, ErrBadPack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repoDir := t.TempDir()
			q, err := receivePack(repoDir, bytes.NewReader(tt.in), tt.max)
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

// TestReceivePackEmptyStream: a client that sends no pack at all leaves an
// empty quarantine; the connectivity check is what refuses the push.
func TestReceivePackEmptyStream(t *testing.T) {
	repoDir := t.TempDir()
	q, err := receivePack(repoDir, strings.NewReader(""), 1<<20)
	require.NoError(t, err)
	defer q.drop()
	packs, _ := filepath.Glob(filepath.Join(q.dir, "objects", "pack", "pack-*"))
	assert.Empty(t, packs)
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
