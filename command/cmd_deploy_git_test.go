package command

import (
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// servedRepo serves a bare repo (one commit of bot.py on main, tagged v1)
// over smart HTTP on 127.0.0.1 and returns its URL and commit.
func servedRepo(t *testing.T) (repoURL, commit string) {
	t.Helper()
	ci.NeedTools(t, "git")
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	require.NoError(t, os.MkdirAll(work, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(work, "bot.py"), []byte("print('from git')\n"), 0o644))
	git := func(args ...string) string {
		cmd := exec.Command(gitPath, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=ext", "GIT_AUTHOR_EMAIL=ext@example.com",
			"GIT_COMMITTER_NAME=ext", "GIT_COMMITTER_EMAIL=ext@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	git("add", ".")
	git("commit", "-q", "-m", "external history")
	git("tag", "v1")
	git("clone", "-q", "--bare", ".", filepath.Join(dir, "repo.git"))
	srv := httptest.NewServer(&cgi.Handler{Path: gitPath, Args: []string{"http-backend"},
		Env: []string{"GIT_PROJECT_ROOT=" + dir, "GIT_HTTP_EXPORT_ALL=1"}})
	t.Cleanup(srv.Close)
	return srv.URL + "/repo.git", git("rev-parse", "HEAD")
}

func TestDeployGit(t *testing.T) {
	repoURL, ext := servedRepo(t)
	u, err := url.Parse(repoURL)
	require.NoError(t, err)
	w := newRepoWorld(t, IntakeOptions{GitAllowHosts: []string{"git.example.com", u.Host}})

	out := w.ok("alice", "", "deploy:git", "alice-bot", repoURL)
	assert.Contains(t, out, "fetched "+repoURL+" main at "+ext[:7]+" (1 file)")
	assert.Contains(t, out, "-----> building")
	first := w.head("alice-bot")
	c := w.commit("alice-bot", first)
	assert.Equal(t, "deploy:git "+repoURL+" main ("+ext[:7]+")\n", c.Message)
	assert.Empty(t, c.ParentHashes, "the external history is not imported")
	assert.Equal(t, "alice", c.Author.Name)
	assert.NotEqual(t, ext, first.String())

	w.ok("bob", "", "deploy:git", "alice-bot", repoURL, "v1")
	c = w.commit("alice-bot", w.head("alice-bot"))
	assert.Equal(t, "deploy:git "+repoURL+" v1 ("+ext[:7]+")\n", c.Message)
	assert.Equal(t, []string{first.String()}, []string{c.ParentHashes[0].String()})
}

func TestDeployGitRefusals(t *testing.T) {
	repoURL, _ := servedRepo(t)
	w := newRepoWorld(t, IntakeOptions{GitAllowHosts: []string{"git.example.com"}})
	none := newRepoWorld(t, IntakeOptions{})
	for _, tc := range []struct {
		name string
		w    *repoWorld
		who  string
		args []string
		code int
		want string
	}{
		{"host not allowed", w, "alice", []string{"alice-bot", repoURL}, 1, "GITD_GIT_ALLOW_HOSTS"},
		{"nothing allowed", none, "alice", []string{"alice-bot", repoURL}, 1, "deploy:git is off on this server"},
		{"file URL", w, "alice", []string{"alice-bot", "file:///etc"}, 1, "file:// URLs are not fetched"},
		{"local path", w, "alice", []string{"alice-bot", "/etc"}, 1, "local paths are not fetched"},
		{"ssh", w, "alice", []string{"alice-bot", "git@git.example.com:o/r.git"}, 1, "holds no SSH keys"},
		{"credentials", w, "alice", []string{"alice-bot", "https://me:pw@git.example.com/r"}, 1, "user name or password"},
		{"option as ref", w, "alice", []string{"alice-bot", "https://git.example.com/r", "--upload-pack=x"}, 2, "upload-pack"},
		{"bad ref", w, "alice", []string{"alice-bot", "https://git.example.com/r", "a..b"}, 1, `"a..b" is not a valid branch or tag`},
		{"someone else's app", w, "carol", []string{"alice-bot", repoURL}, 1, "not found"},
		{"no URL", w, "alice", []string{"alice-bot"}, 2, "url"},
	} {
		res := tc.w.run(tc.who, "", append([]string{"deploy:git"}, tc.args...)...)
		assert.Equal(t, tc.code, res.code, "%s: %s", tc.name, res.stderr)
		assert.Contains(t, res.stderr, tc.want, tc.name)
		assert.Contains(t, res.stderr, "hint:", tc.name)
		assert.NotContains(t, res.stderr, "pw@", tc.name)
	}
	assert.Empty(t, w.runs)
	assert.Empty(t, none.runs)
	assert.True(t, w.head("alice-bot").IsZero())
}
