package registry

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func TestParse(t *testing.T) {
	pwFile := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(pwFile, []byte("s3cret\n"), 0o600))
	for _, tc := range []struct {
		name string
		c    Config
		want Target
		code string
	}{
		{"https host", Config{Registry: "reg.example.com"}, Target{Host: "reg.example.com"}, ""},
		{"prefix", Config{Registry: "https://reg.example.com:5000/bots/prod/"}, Target{Host: "reg.example.com:5000", Prefix: "bots/prod"}, ""},
		{"loopback is http", Config{Registry: "127.0.0.1:5000"}, Target{Host: "127.0.0.1:5000", Insecure: true}, ""},
		{"localhost http", Config{Registry: "http://localhost:5000"}, Target{Host: "localhost:5000", Insecure: true}, ""},
		{"ipv6 loopback", Config{Registry: "http://[::1]:5000"}, Target{Host: "[::1]:5000", Insecure: true}, ""},
		{"loopback https asked", Config{Registry: "https://127.0.0.1:5000"}, Target{Host: "127.0.0.1:5000"}, ""},
		{"password file", Config{Registry: "reg.example.com", Username: "u", PasswordFile: pwFile},
			Target{Host: "reg.example.com", Username: "u", Password: "s3cret"}, ""},
		{"http elsewhere", Config{Registry: "http://10.0.0.5:5000"}, Target{}, "REGISTRY_CONFIG"},
		{"ftp", Config{Registry: "ftp://reg.example.com"}, Target{}, "REGISTRY_CONFIG"},
		{"empty", Config{}, Target{}, "REGISTRY_CONFIG"},
		{"bad prefix", Config{Registry: "reg.example.com/Bots"}, Target{}, "REGISTRY_CONFIG"},
		{"userinfo", Config{Registry: "u:p@reg.example.com"}, Target{}, "REGISTRY_CONFIG"},
		{"user without password", Config{Registry: "reg.example.com", Username: "u"}, Target{}, "REGISTRY_CONFIG"},
		{"missing file", Config{Registry: "reg.example.com", Username: "u", PasswordFile: pwFile + "x"}, Target{}, "REGISTRY_CONFIG"},
	} {
		got, err := Parse(tc.c)
		if tc.code != "" {
			assert.Equal(t, tc.code, hint.CodeOf(err), "%s: %v", tc.name, err)
			continue
		}
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
}

func TestRepository(t *testing.T) {
	assert.Equal(t, "h:1/my-bot", Target{Host: "h:1"}.Repository("my-bot"))
	assert.Equal(t, "h:1/a/b/my-bot", Target{Host: "h:1", Prefix: "a/b"}.Repository("my-bot"))
	assert.Equal(t, "a/b/my-bot", Target{Host: "h:1", Prefix: "a/b"}.path("h:1/a/b/my-bot"))
}

func TestChallengeParams(t *testing.T) {
	got := challengeParams(`realm="https://auth.example.com/token",service="registry.example.com",scope="repository:x:pull"`)
	assert.Equal(t, map[string]string{"realm": "https://auth.example.com/token", "service": "registry.example.com",
		"scope": "repository:x:pull"}, got)
}
