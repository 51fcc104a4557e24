package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]Size{
		"1": 1, "512k": 512 << 10, "512KiB": 512 << 10, "200MiB": 200 << 20, "256m": 256 << 20,
		"1G": 1 << 30, "2gb": 2 << 30, " 3 MB ": 3 << 20, "10b": 10, "4 kb": 4 << 10,
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1m", "1.5g", "m", "10 parsecs", "4611686018427387904k", "0x10"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

// TestParseDefaults: gitd alone is a working server; the defaults are the
// documented ones.
func TestParseDefaults(t *testing.T) {
	c, err := Parse(nil, "test")
	require.NoError(t, err)
	assert.Equal(t, "./data", c.Data)
	assert.Equal(t, ":2222", c.Listen)
	assert.Equal(t, 3, c.MaxBotsPerUser)
	assert.Equal(t, Size(200<<20), c.MaxPushSize)
	assert.Equal(t, Size(2<<30), c.MaxPushInflated)
	assert.Equal(t, "docker", c.Deploy.Runtime)
	assert.Equal(t, Size(256<<20), c.Deploy.Memory)
	assert.Equal(t, 0.5, c.Deploy.CPUs)
	assert.Equal(t, "auto", c.Deploy.BotFirewall)
	mem, err := c.Deploy.UserMemoryBytes()
	require.NoError(t, err)
	assert.Equal(t, int64(3*256<<20), mem, "a user's bots may take three bots' memory")
}

// TestParseFlagsAndEnv: a flag wins over its env var, the old unprefixed
// env names still work, sizes are read by ParseSize.
func TestParseFlagsAndEnv(t *testing.T) {
	t.Setenv("GITD_MAX_PUSH_SIZE", "1g")
	t.Setenv("MAX_BOTS_PER_USER", "7")
	t.Setenv("GITD_USER_MEMORY", "1536m")
	t.Setenv("GITD_BOT_ENV", "A=1,B=2")
	c, err := Parse([]string{"--max-push-size", "64MiB", "--memory", "128m"}, "test")
	require.NoError(t, err)
	assert.Equal(t, Size(64<<20), c.MaxPushSize, "the flag wins over GITD_MAX_PUSH_SIZE")
	assert.Equal(t, 7, c.MaxBotsPerUser)
	assert.Equal(t, Size(128<<20), c.Deploy.Memory)
	assert.Equal(t, []string{"A=1", "B=2"}, c.Deploy.BotEnv)
	mem, err := c.Deploy.UserMemoryBytes()
	require.NoError(t, err)
	assert.Equal(t, int64(1536<<20), mem)

	c.Deploy.UserMemory = "lots"
	_, err = c.Deploy.UserMemoryBytes()
	assert.Error(t, err)
}

// TestParseRefuses: each bad input is BAD_FLAGS and names what is wrong.
func TestParseRefuses(t *testing.T) {
	for name, args := range map[string][]string{
		"size":      {"--max-push-size", "lots"},
		"enum":      {"--runtime", "podman"},
		"firewall":  {"--bot-firewall", "maybe"},
		"unknown":   {"--no-such-flag"},
		"duration":  {"--idle-timeout", "soon"},
		"log level": {"--log-level", "loud"},
	} {
		_, err := Parse(args, "test")
		if !errors.Is(err, ErrBadFlags) {
			t.Errorf("%s: Parse(%q) = %v, want BAD_FLAGS", name, args, err)
		}
	}
	t.Setenv("GITD_MEMORY", "0")
	_, err := Parse(nil, "test")
	assert.ErrorIs(t, err, ErrBadFlags, "a bad env value is refused like a flag")
	assert.Contains(t, err.Error(), `size "0"`)
}

func TestAdminKeyLines(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "keys.pub")
	require.NoError(t, os.WriteFile(file, []byte("# admins\nssh-ed25519 AAAA one\n\n  ecdsa-sha2-nistp256 BBBB two  \n"), 0o600))
	c := Config{AdminKey: []string{" ssh-rsa CCCC inline ", "", file, "sk-ssh-ed25519@openssh.com DDDD"}}
	lines, err := c.AdminKeyLines()
	require.NoError(t, err)
	assert.Equal(t, []string{"ssh-rsa CCCC inline", "ssh-ed25519 AAAA one", "ecdsa-sha2-nistp256 BBBB two",
		"sk-ssh-ed25519@openssh.com DDDD"}, lines)

	c.AdminKey = []string{filepath.Join(dir, "missing.pub")}
	_, err = c.AdminKeyLines()
	assert.ErrorIs(t, err, ErrBadAdminKey)
	assert.Contains(t, err.Error(), "missing.pub")
}

func TestDefaultAdminKey(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	assert.Equal(t, "", DefaultAdminKey(), "no ~/.ssh")
	ssh := filepath.Join(home, ".ssh")
	require.NoError(t, os.MkdirAll(ssh, 0o700))
	for _, f := range []string{"id_rsa.pub", "id_ed25519.pub", "id_ed25519", "known_hosts"} {
		require.NoError(t, os.WriteFile(filepath.Join(ssh, f), nil, 0o600))
	}
	assert.Equal(t, filepath.Join(ssh, "id_ed25519.pub"), DefaultAdminKey(), "the first id_*.pub by name")
}

func TestRemoteURL(t *testing.T) {
	for listen, want := range map[string]string{
		":2222":          "ssh://git@127.0.0.1:2222/bot",
		"0.0.0.0:22":     "ssh://git@127.0.0.1:22/bot",
		"gitd.example:2": "ssh://git@gitd.example:2/bot",
		"[::1]:3000":     "ssh://git@[::1]:3000/bot",
		"[::]:2200":      "ssh://git@127.0.0.1:2200/bot",
		"nonsense":       "ssh://git@127.0.0.1:2222/bot",
	} {
		c := Config{Listen: listen}
		assert.Equal(t, want, c.RemoteURL("bot"), "listen %s", listen)
	}
}
