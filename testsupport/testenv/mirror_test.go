package testenv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMirrorFrom(t *testing.T) {
	// This machine's layout: deb822 Debian + security, plus disabled extras.
	debian := `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
`
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"deb822", map[string]string{"sources.list.d/debian.sources": debian}, "http://deb.debian.org/debian"},
		{"deb822 other files ignored", map[string]string{
			"sources.list.d/a.sources.disabled": "Types: deb\nURIs: http://wrong.example/debian\nSuites: bookworm\n",
			"sources.list.d/nodesource.sources": "Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\n",
			"sources.list.d/debian.sources":     debian,
		}, "http://deb.debian.org/debian"},
		{"deb822 disabled stanza", map[string]string{"sources.list.d/x.sources": "Enabled: no\nTypes: deb\nURIs: http://off.example/debian\nSuites: bookworm\n\n" +
			"Types: deb-src deb\nURIs: http://on.example/debian/\nSuites: trixie\n"}, "http://on.example/debian"},
		{"one-line list", map[string]string{"sources.list.d/m.list": "# comment\n" +
			"deb-src http://src.example/debian bookworm main\n" +
			"deb [arch=amd64 signed-by=/k.gpg] http://ftp.example/debian bookworm main contrib\n" +
			"deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n"}, "http://ftp.example/debian"},
		{"fallback to sources.list", map[string]string{
			"sources.list.d/google.list": "deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n",
			"sources.list":               "deb http://mirror.example/debian bookworm main\ndeb http://mirror.example/debian-security bookworm-security main\n",
		}, "http://mirror.example/debian"},
		{"bookworm preferred over another suite", map[string]string{
			"sources.list.d/a.list": "deb http://sid.example/debian sid main\n",
			"sources.list.d/b.list": "deb http://bw.example/debian bookworm main\n",
		}, "http://bw.example/debian"},
		{"none", map[string]string{"sources.list.d/c.list": "deb cdrom:[Debian]/ bookworm main\n"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "sources.list.d"), 0o755))
			for name, body := range tt.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
			}
			got, err := mirrorFrom(dir)
			if tt.want == "" {
				assert.ErrorIs(t, err, ErrNoMirror)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDebianMirrorEnvOverrides(t *testing.T) {
	t.Setenv(mirrorEnv, "http://override.example/debian")
	got, err := DebianMirror()
	require.NoError(t, err)
	assert.Equal(t, "http://override.example/debian", got)
}
