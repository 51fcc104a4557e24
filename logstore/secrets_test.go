package logstore

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/store"
)

// configHistory is a Secrets: the config now and each release's.
type configHistory struct {
	mu   sync.Mutex
	cfg  map[string]string
	rels []store.Release
	err  error
}

func (h *configHistory) Config(app string) (map[string]string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.cfg), h.err
}

func (h *configHistory) Releases(app string) ([]store.Release, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rels, h.err
}

// release sets the config and records a release with it, as config:set does.
func (h *configHistory) release(n int, cfg map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cfg = cfg
	h.rels = append(h.rels, store.Release{Number: n, Config: maps.Clone(cfg)})
}

const (
	tokenA = "111111111:AAAAold-token-aaaaaaaaaaaaaaaaaaaa"
	tokenB = "222222222:BBBBnew-token-bbbbbbbbbbbbbbbbbbbb"
)

// assertNoSecretOnDisk reads every file under dir, byte for byte.
func assertNoSecretOnDisk(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, s := range secrets {
			for _, part := range strings.Split(s, "\n") {
				assert.False(t, bytes.Contains(b, []byte(part)), "%s holds %q:\n%s", path, part, b)
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.NotZero(t, files, "no files under %s", dir)
}

// TestRotatedSecretRedactedAtWrite: a rotated BOT_TOKEN is kept out of the
// files (lines and build logs) and out of what Tail, Follow and Build give,
// the old value as much as the new one.
func TestRotatedSecretRedactedAtWrite(t *testing.T) {
	h := &configHistory{}
	s, dir := openStore(t, Options{Secrets: h})
	h.release(1, map[string]string{"BOT_TOKEN": tokenA, "DEBUG": "1"})
	require.NoError(t, s.SaveBuild("my-bot", 1, []byte("Step 1/2\necho "+tokenA+"\n")))
	require.NoError(t, s.Append("my-bot", Line{Time: t0, Release: 1, Text: "token is " + tokenA}))
	h.release(2, map[string]string{"BOT_TOKEN": tokenB, "DEBUG": "1"})
	require.NoError(t, s.SaveBuild("my-bot", 2, []byte("old "+tokenA+" new "+tokenB+"\n")))
	require.NoError(t, s.Append("my-bot", Line{Time: t0.Add(time.Second), Release: 2, Text: "old " + tokenA + " new " + tokenB}))
	require.NoError(t, s.Append("my-bot", Line{Time: t0.Add(2 * time.Second), Release: 0, Stream: StreamGitd, Text: "v2 " + tokenB}))

	assertNoSecretOnDisk(t, dir, tokenA, tokenB)
	lines, err := s.Tail("my-bot", Query{})
	require.NoError(t, err)
	assert.Equal(t, []string{"token is [redacted]", "old [redacted] new [redacted]", "v2 [redacted]"}, texts(lines))
	b, err := s.Build("my-bot", 1)
	require.NoError(t, err)
	assert.Equal(t, "Step 1/2\necho [redacted]\n", string(b))
	rel, b, err := s.LastBuild("my-bot")
	require.NoError(t, err)
	assert.Equal(t, 2, rel)
	assert.Equal(t, "old [redacted] new [redacted]\n", string(b))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := s.Follow(ctx, "my-bot", Query{N: 1})
	require.NoError(t, err)
	assert.Equal(t, "v2 [redacted]", (<-ch).Text)
	require.NoError(t, s.Append("my-bot", Line{Release: 2, Text: tokenA + tokenB}))
	assert.Equal(t, "[redacted]", (<-ch).Text)
}

// TestOldLogsRedactedAtRead: lines written in clear (by a gitd before
// write-time redaction) are redacted when read, with past values too.
func TestOldLogsRedactedAtRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	old, err := Open(dir, Options{})
	require.NoError(t, err)
	require.NoError(t, old.Append("my-bot", Line{Time: t0, Release: 1, Text: "token " + tokenA}))
	require.NoError(t, old.SaveBuild("my-bot", 1, []byte("build "+tokenA+"\n")))
	require.NoError(t, old.Close())

	h := &configHistory{}
	h.release(1, map[string]string{"BOT_TOKEN": tokenA})
	h.release(2, map[string]string{"BOT_TOKEN": tokenB})
	s, err := Open(dir, Options{Secrets: h})
	require.NoError(t, err)
	defer s.Close()
	lines, err := s.Tail("my-bot", Query{})
	require.NoError(t, err)
	assert.Equal(t, []string{"token [redacted]"}, texts(lines))
	b, err := s.Build("my-bot", 1)
	require.NoError(t, err)
	assert.Equal(t, "build [redacted]\n", string(b))
}

// TestRedactBeforeCut: a secret across the MaxLine cut leaves no prefix on
// disk; each line of a multi-line secret is redacted on its own; values
// shorter than MinSecret are not.
func TestRedactBeforeCut(t *testing.T) {
	pem := "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END KEY-----"
	h := &configHistory{}
	h.release(1, map[string]string{"BOT_TOKEN": tokenA, "KEY": pem, "N": "42"})
	s, dir := openStore(t, Options{Secrets: h, MaxLine: 100})
	long := strings.Repeat("x", 70) + tokenA + strings.Repeat("y", 50) // the cut falls inside the token
	require.NoError(t, s.Append("my-bot", Line{Time: t0, Release: 1, Text: long}))
	for _, l := range strings.Split(pem, "\n") {
		require.NoError(t, s.Append("my-bot", Line{Time: t0, Release: 1, Text: "key: " + l}))
	}
	require.NoError(t, s.Append("my-bot", Line{Time: t0, Release: 1, Text: "n=42"}))
	assertNoSecretOnDisk(t, dir, tokenA[:8], pem)
	lines, err := s.Tail("my-bot", Query{})
	require.NoError(t, err)
	cut := CutLine(strings.Repeat("x", 70)+Redacted+strings.Repeat("y", 50), 100)
	assert.Equal(t, []string{cut, "key: [redacted]", "key: [redacted]", "key: [redacted]", "n=42"}, texts(lines))
}

// TestSecretsUnreadable: when the values cannot be read, nothing is written.
func TestSecretsUnreadable(t *testing.T) {
	h := &configHistory{err: errors.New("database closed")}
	s, dir := openStore(t, Options{Secrets: h})
	assert.Error(t, s.Append("my-bot", Line{Time: t0, Release: 1, Text: "token " + tokenA}))
	assert.Error(t, s.SaveBuild("my-bot", 1, []byte(tokenA)))
	_, err := os.Stat(filepath.Join(dir, "my-bot"))
	assert.True(t, errors.Is(err, fs.ErrNotExist), "app dir made: %v", err)
}
