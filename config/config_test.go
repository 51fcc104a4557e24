package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func TestHostKeyList(t *testing.T) {
	c, err := Parse([]string{"--host-key", "/k/a", "--host-key", "/k/b"}, "test")
	require.NoError(t, err)
	assert.Equal(t, []string{"/k/a", "/k/b"}, c.HostKey)

	t.Setenv("GITD_HOST_KEY", "/k/ed25519,/k/rsa,/k/ecdsa")
	c, err = Parse(nil, "test")
	require.NoError(t, err)
	assert.Equal(t, []string{"/k/ed25519", "/k/rsa", "/k/ecdsa"}, c.HostKey)
}

func TestHostKeyDefaultIsTheDataDir(t *testing.T) {
	c, err := Parse([]string{"--data", "/srv/gitd"}, "test")
	require.NoError(t, err)
	assert.Empty(t, c.HostKey, "no --host-key: gitd makes its keys in the data dir")
}

func TestConnectionLimits(t *testing.T) {
	c, err := Parse(nil, "test")
	require.NoError(t, err)
	assert.Equal(t, 10*time.Second, c.HandshakeTimeout)
	assert.Equal(t, 8, c.MaxHandshakesPerIP)
	assert.Equal(t, 5*time.Minute, c.IdleTimeout)

	t.Setenv("GITD_HANDSHAKE_TIMEOUT", "3s")
	t.Setenv("GITD_MAX_HANDSHAKES_PER_IP", "2")
	c, err = Parse(nil, "test")
	require.NoError(t, err)
	assert.Equal(t, 3*time.Second, c.HandshakeTimeout)
	assert.Equal(t, 2, c.MaxHandshakesPerIP)

	for _, args := range [][]string{
		{"--handshake-timeout", "0s"},
		{"--idle-timeout", "-1m"},
		{"--max-handshakes-per-ip", "0"},
		{"--max-handshakes", "0"},
		{"--max-conns-per-ip", "-3"},
	} {
		_, err := Parse(args, "test")
		require.Error(t, err, "%v", args)
		assert.Equal(t, "BAD_FLAGS", hint.CodeOf(err), "%v", args)
		assert.NotEmpty(t, hint.TipOf(err), "%v", args)
	}
}
