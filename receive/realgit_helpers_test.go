package receive

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// gitServer is a Repos root served to a real git client over the ext
// transport by this very test binary (see realgit_server_test.go).
type gitServer struct {
	t        testing.TB
	root     string
	repos    *Repos
	home     string
	url      string
	pipeline string // RECEIVE_TEST_PIPELINE for the next git commands
	maxPush  int64
	move     string // RECEIVE_TEST_MOVE for the next git commands
	extraEnv []string
	date     int // commit timestamps, one second apart
}

func newGitServer(t testing.TB) *gitServer {
	t.Helper()
	ci.NeedTools(t, "git")
	exe, err := os.Executable()
	require.NoError(t, err)
	root := t.TempDir()
	repos, err := NewRepos(root, Options{})
	require.NoError(t, err)
	require.NoError(t, repos.Create(app))
	// ext:: splits its command on spaces; "% " is a literal space, "%%" a percent.
	esc := strings.NewReplacer("%", "%%", " ", "% ").Replace(exe)
	return &gitServer{t: t, root: root, repos: repos, home: t.TempDir(), url: "ext::" + esc + " %S"}
}

func (g *gitServer) repoDir() string { return filepath.Join(g.root, app+".git") }

func (g *gitServer) env() []string {
	g.date++
	date := fmt.Sprintf("%d +0000", 1700000000+g.date)
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + g.home,
		"XDG_CONFIG_HOME=" + g.home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Tester", "GIT_AUTHOR_EMAIL=tester@example.com", "GIT_AUTHOR_DATE=" + date,
		"GIT_COMMITTER_NAME=Tester", "GIT_COMMITTER_EMAIL=tester@example.com", "GIT_COMMITTER_DATE=" + date,
		"RECEIVE_TEST_SERVICE=1",
		"RECEIVE_TEST_ROOT=" + g.root,
		"RECEIVE_TEST_APP=" + app,
		"RECEIVE_TEST_PIPELINE=" + g.pipeline,
		"RECEIVE_TEST_MOVE=" + g.move,
		fmt.Sprintf("RECEIVE_TEST_MAX_PUSH=%d", g.maxPush),
	}
	env = append(env, g.extraEnv...)
	for _, k := range []string{"TMPDIR", "GOCOVERDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// gitCmd runs git in dir and returns its stdout and stderr.
func (g *gitServer) gitCmd(dir string, args ...string) (string, string, error) {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "protocol.ext.allow=always", "-c", "init.defaultBranch=main",
		"-c", "advice.detachedHead=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = g.env()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// git runs git in dir, fails the test if git fails, and returns its
// trimmed stdout.
func (g *gitServer) git(dir string, args ...string) string {
	g.t.Helper()
	out, stderr, err := g.gitCmd(dir, args...)
	require.NoError(g.t, err, "git %s\n%s", strings.Join(args, " "), stderr)
	return strings.TrimSpace(out)
}

// gitFails runs git in dir, requires it to fail, and returns its stderr.
func (g *gitServer) gitFails(dir string, args ...string) string {
	g.t.Helper()
	_, stderr, err := g.gitCmd(dir, args...)
	require.Error(g.t, err, "git %s should fail\n%s", strings.Join(args, " "), stderr)
	return stderr
}

// work makes a new local repo with the server as remote origin.
func (g *gitServer) work() string {
	g.t.Helper()
	dir := g.t.TempDir()
	g.git(dir, "init", "-q")
	g.git(dir, "remote", "add", "origin", g.url)
	return dir
}

// commit writes name with content and commits it; it returns the new HEAD.
func (g *gitServer) commit(dir, name, content string) string {
	g.t.Helper()
	require.NoError(g.t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
	require.NoError(g.t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	g.git(dir, "add", name)
	g.git(dir, "commit", "-q", "-m", "change "+name)
	return g.git(dir, "rev-parse", "HEAD")
}

// commits makes n commits, each changing one file.
func (g *gitServer) commits(dir, prefix string, n int) string {
	var head string
	for i := range n {
		head = g.commit(dir, fmt.Sprintf("%s/%d.txt", prefix, i), fmt.Sprintf("%s %d\n", prefix, i))
	}
	return head
}

func randomFile(t *testing.T, dir, name string, size int) {
	b := make([]byte, size)
	_, err := rand.Read(b)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
}

// ref is the server's value of ref, "" if it does not exist.
func (g *gitServer) ref(name string) string {
	g.t.Helper()
	h, err := g.repos.Head(app, plumbing.ReferenceName(name))
	require.NoError(g.t, err)
	if h.IsZero() {
		return ""
	}
	return h.String()
}

// lsRemote returns the server's refs as git sees them, name → hash.
func (g *gitServer) lsRemote(dir string) map[string]string {
	refs := map[string]string{}
	for _, line := range strings.Split(g.git(dir, "ls-remote", g.url), "\n") {
		if h, name, ok := strings.Cut(line, "\t"); ok {
			refs[name] = h
		}
	}
	return refs
}

func (g *gitServer) record() record {
	g.t.Helper()
	b, err := os.ReadFile(filepath.Join(g.root, recordFile))
	require.NoError(g.t, err)
	var r record
	require.NoError(g.t, json.Unmarshal(b, &r))
	return r
}

// snapshot is what a refused push must leave as it was: the refs git sees
// and the files under objects/.
type snapshot struct {
	refs    map[string]string
	objects []string
}

func (g *gitServer) snapshot(dir string) snapshot {
	return snapshot{refs: g.lsRemote(dir), objects: objectFiles(g.t, g.repoDir())}
}

// requireUnchanged checks the server against before, and that no
// quarantine dir is left.
func (g *gitServer) requireUnchanged(dir string, before snapshot) {
	g.t.Helper()
	require.Equal(g.t, before.refs, g.lsRemote(dir), "refs")
	require.Equal(g.t, before.objects, objectFiles(g.t, g.repoDir()), "object files")
	require.Empty(g.t, quarantines(g.t, g.repoDir()), "quarantine dirs")
}
