package server

import (
	"bufio"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUploadPackProtocolV2FromEnv: GIT_PROTOCOL from the session's
// environment request reaches upload-pack, which then speaks v2.
func TestUploadPackProtocolV2FromEnv(t *testing.T) {
	h := newHarness(t)
	dir := h.workRepo(h.admin, "my-bot")
	h.gitOK(h.admin, dir, "push", "-q", "bots", "main")
	for _, tt := range []struct{ env, first string }{{"version=2", "version 2\n"}, {"", ""}} {
		c, err := h.dial(h.admin)
		require.NoError(t, err)
		sess, err := c.NewSession()
		require.NoError(t, err)
		if tt.env != "" {
			require.NoError(t, sess.Setenv("GIT_PROTOCOL", tt.env))
		}
		stdout, err := sess.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, sess.Start("git-upload-pack '/my-bot'"))
		line, _, err := readPkt(bufio.NewReader(stdout))
		require.NoError(t, err)
		if tt.first != "" {
			assert.Equal(t, tt.first, string(line))
		} else {
			assert.NotEqual(t, "version 2\n", string(line))
		}
		_ = c.Close()
	}
}

// TestShallowCloneOverSSH: git's ssh transport sends GIT_PROTOCOL; a
// shallow clone works over both protocol versions.
func TestShallowCloneOverSSH(t *testing.T) {
	h := newHarness(t)
	dir := h.workRepo(h.admin, "my-bot")
	h.commit(h.admin, dir, "second.txt", "2\n")
	h.gitOK(h.admin, dir, "push", "-q", "bots", "main")
	url := h.gitOK(h.admin, dir, "remote", "get-url", "bots")
	for _, v := range []string{"0", "2"} {
		clone := filepath.Join(t.TempDir(), "c")
		h.gitOK(h.admin, t.TempDir(), "-c", "protocol.version="+v, "clone", "-q", "--depth", "1", url, clone)
		assert.Equal(t, "1", h.gitOK(h.admin, clone, "rev-list", "--count", "HEAD"), "protocol v%s", v)
		assert.Equal(t, h.gitOK(h.admin, dir, "rev-parse", "HEAD"), h.gitOK(h.admin, clone, "rev-parse", "HEAD"))
	}
}
