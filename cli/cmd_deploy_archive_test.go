package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeployArchiveForwards(t *testing.T) {
	repo := newRepo(t, map[string]string{"bots": "ssh://git@127.0.0.1:2222/my-bot"})
	file := filepath.Join(t.TempDir(), "app.tar.gz")
	require.NoError(t, os.WriteFile(file, []byte("tgz bytes"), 0o644))
	pre := []string{"-T", "-p", "2222", "git@127.0.0.1", "--", "deploy:archive"}
	for _, tt := range []struct {
		args      []string
		stdin     string
		want      []string
		wantStdin string
	}{
		{nil, "piped", []string{"my-bot"}, "piped"},
		{[]string{"-"}, "piped", []string{"my-bot"}, "piped"},
		{[]string{file}, "not read", []string{"my-bot"}, "tgz bytes"},
		{[]string{"other", file}, "", []string{"other"}, "tgz bytes"},
		{[]string{"-a", "other", "-"}, "piped", []string{"other"}, "piped"},
	} {
		res := botctl(t, repo, tt.stdin, append([]string{"deploy:archive"}, tt.args...)...)
		require.Equal(t, 0, res.code, res.stderr)
		assert.Equal(t, append(append([]string{}, pre...), tt.want...), res.argv)
		assert.Equal(t, tt.wantStdin, res.stdin)
	}
}

func TestDeployArchiveLocalErrors(t *testing.T) {
	repo := newRepo(t, map[string]string{"bots": "ssh://git@127.0.0.1:2222/my-bot"})
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{dir}, "botctl start APP --custom " + dir},
		{[]string{filepath.Join(dir, "missing.tar.gz")}, "no such file"},
		{[]string{"one", "-", "three"}, "unexpected argument"},
	} {
		res := botctl(t, repo, "", append([]string{"deploy:archive"}, tt.args...)...)
		assert.NotEqual(t, 0, res.code)
		assert.Nil(t, res.argv, "nothing runs on the server")
		assert.Contains(t, res.stderr, tt.want)
	}
}

func TestDeployGitForwards(t *testing.T) {
	repo := newRepo(t, map[string]string{"bots": "ssh://git@127.0.0.1:2222/my-bot"})
	pre := []string{"-T", "-p", "2222", "git@127.0.0.1", "--", "deploy:git"}
	url := "https://git.example.com/o/r.git"
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{url}, []string{"my-bot", url}},
		{[]string{url, "v1"}, []string{"my-bot", url, "v1"}},
		{[]string{"other", url}, []string{"other", url}},
		{[]string{"other", url, "main"}, []string{"other", url, "main"}},
		{[]string{"-a", "other", url, "main"}, []string{"other", url, "main"}},
		{[]string{"git@host:o/r"}, []string{"my-bot", "git@host:o/r"}}, // the server explains SSH URLs
	} {
		res := botctl(t, repo, "not read", append([]string{"deploy:git"}, tt.args...)...)
		require.Equal(t, 0, res.code, res.stderr)
		assert.Equal(t, append(append([]string{}, pre...), tt.want...), res.argv)
		assert.Empty(t, res.stdin, "deploy:git reads nothing")
	}
	for _, args := range [][]string{{}, {url, "main", "extra"}, {"a", "b", "c", "d"}} {
		res := botctl(t, repo, "", append([]string{"deploy:git"}, args...)...)
		assert.NotEqual(t, 0, res.code, args)
		assert.Nil(t, res.argv, args)
	}
}
