package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newRepo makes a real repository with the given remotes (name -> URL) and
// returns its work tree.
func newRepo(t *testing.T, remotes map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	require.NoError(t, err)
	for name, url := range remotes {
		_, err := repo.CreateRemote(&config.RemoteConfig{Name: name, URLs: []string{url}})
		require.NoError(t, err)
	}
	return dir
}

func TestResolveTarget(t *testing.T) {
	repo := newRepo(t, map[string]string{
		"bots":   "ssh://git@127.0.0.1:2222/my-bot",
		"staged": "git@stage:other-bot.git",
		"origin": "https://example.com/me/my-bot.git",
	})
	sub := filepath.Join(repo, "src", "deep")
	require.NoError(t, os.MkdirAll(sub, 0o755))
	outside := t.TempDir()

	tests := []struct {
		name, dir, remote string
		want              Target
	}{
		{"default remote", repo, "", Target{Dest: "git@127.0.0.1", Port: "2222", App: "my-bot"}},
		{"from a subdirectory", sub, "", Target{Dest: "git@127.0.0.1", Port: "2222", App: "my-bot"}},
		{"named remote", sub, "staged", Target{Dest: "git@stage", App: "other-bot"}},
		{"URL in a repo", repo, "ssh://bots/x", Target{Dest: "bots", App: "x"}},
		{"URL outside a repo", outside, "bots:x", Target{Dest: "bots", App: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveTarget(tt.dir, tt.remote)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestResolveTargetErrors(t *testing.T) {
	repo := newRepo(t, map[string]string{"origin": "https://example.com/me/my-bot.git"})
	tests := []struct {
		name, dir, remote string
		want              error
		msg               string
	}{
		{"not in a repo", t.TempDir(), "", ErrNoRepo, "not inside a git repository"},
		{"no bots remote", repo, "", ErrRemoteNotFound, `no git remote named "bots" (remotes: origin)`},
		{"https remote", repo, "origin", ErrNotSSH, `git remote "origin": "https://example.com/me/my-bot.git" is a https URL`},
		{"path as remote", repo, "../elsewhere", ErrNotSSH, "local path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := resolveTarget(tt.dir, tt.remote)
			require.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

// TestResolveTargetInsteadOf checks that the repo's url.*.insteadOf rules
// apply, as they do for `git push bots`.
func TestResolveTargetInsteadOf(t *testing.T) {
	dir := newRepo(t, map[string]string{"bots": "botrunner:my-bot"})
	repo, err := git.PlainOpen(dir)
	require.NoError(t, err)
	cfg, err := repo.Config()
	require.NoError(t, err)
	cfg.URLs["ssh://git@127.0.0.1:2222/"] = &config.URL{Name: "ssh://git@127.0.0.1:2222/", InsteadOf: "botrunner:"}
	require.NoError(t, repo.SetConfig(cfg))

	got, err := resolveTarget(dir, "")
	require.NoError(t, err)
	assert.Equal(t, Target{Dest: "git@127.0.0.1", Port: "2222", App: "my-bot"}, got)
}
