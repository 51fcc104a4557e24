package intake

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// gitRepo makes a bare repo under dir/repo.git with two commits on main
// (the first has old.py, the second bot.py) and an annotated tag v1 on the
// first; it returns the two commits.
func gitRepo(t *testing.T, dir string) (first, second string) {
	t.Helper()
	ci.NeedTools(t, "git")
	work := filepath.Join(dir, "work")
	run := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		return strings.TrimSpace(string(out))
	}
	require.NoError(t, os.MkdirAll(work, 0o755))
	run("init", "-q", "-b", "main")
	require.NoError(t, os.WriteFile(filepath.Join(work, "old.py"), []byte("old"), 0o644))
	run("add", ".")
	run("commit", "-q", "-m", "one")
	run("tag", "-a", "-m", "v1", "v1")
	first = run("rev-parse", "HEAD")
	require.NoError(t, os.Remove(filepath.Join(work, "old.py")))
	require.NoError(t, os.WriteFile(filepath.Join(work, "bot.py"), []byte("print('hi')"), 0o644))
	run("add", "-A")
	run("commit", "-q", "-m", "two")
	second = run("rev-parse", "HEAD")
	run("clone", "-q", "--bare", ".", filepath.Join(dir, "repo.git"))
	return first, second
}

// httpGit serves dir's bare repos with git http-backend.
func httpGit(t *testing.T, dir string) *httptest.Server {
	gitPath, err := exec.LookPath("git")
	require.NoError(t, err)
	h := &cgi.Handler{Path: gitPath, Args: []string{"http-backend"},
		Env: []string{"GIT_PROJECT_ROOT=" + dir, "GIT_HTTP_EXPORT_ALL=1"}, Stderr: io.Discard}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func hostOf(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Host
}

func TestFromGit(t *testing.T) {
	dir := t.TempDir()
	first, second := gitRepo(t, dir)
	srv := httpGit(t, dir)
	host := hostOf(t, srv.URL)
	// elsewhere redirects to the git server under another name for the
	// same address ("localhost" is not in the allow list).
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		to := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + r.URL.Path + "?" + r.URL.RawQuery
		http.Redirect(w, r, to, http.StatusFound)
	}))
	defer elsewhere.Close()
	moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+r.URL.Path+"?"+r.URL.RawQuery, http.StatusMovedPermanently)
	}))
	defer moved.Close()
	ok := GitOptions{Allow: []string{host, hostOf(t, elsewhere.URL), hostOf(t, moved.URL)}, Timeout: time.Minute, Limits: testLimits}
	tests := []struct {
		name      string
		url, ref  string
		opts      GitOptions
		wantErr   error
		wantRef   string
		wantFrom  string
		wantFiles []string
	}{
		{"remote HEAD", srv.URL + "/repo.git", "", ok, nil, "refs/heads/main", second, []string{"bot.py"}},
		{"branch", srv.URL + "/repo.git", "main", ok, nil, "refs/heads/main", second, []string{"bot.py"}},
		{"annotated tag", srv.URL + "/repo.git", "v1", ok, nil, "refs/tags/v1", first, []string{"old.py"}},
		{"no such ref", srv.URL + "/repo.git", "nope", ok, ErrRefNotFound, "", "", nil},
		{"no such repo", srv.URL + "/missing.git", "", ok, ErrFetch, "", "", nil},
		{"host not allowed", srv.URL + "/repo.git", "", GitOptions{Allow: []string{"example.com"}}, ErrHostNotAllowed, "", "", nil},
		{"nothing allowed", srv.URL + "/repo.git", "", GitOptions{}, ErrHostNotAllowed, "", "", nil},
		{"redirect off the allow list", elsewhere.URL + "/repo.git", "", ok, ErrHostNotAllowed, "", "", nil},
		{"redirect within the allow list", moved.URL + "/repo.git", "", ok, nil, "refs/heads/main", second, []string{"bot.py"}},
		{"over the size limit", srv.URL + "/repo.git", "", GitOptions{Allow: ok.Allow,
			Limits: Limits{Compressed: 64, Total: 1 << 20, File: 1 << 20}}, ErrFetchTooLarge, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromGit(context.Background(), tt.url, tt.ref, tt.opts)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				if tt.wantErr == ErrHostNotAllowed && strings.Contains(tt.name, "redirect") {
					assert.Contains(t, err.Error(), `redirected to "localhost:`)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantRef, got.Ref)
			assert.Equal(t, tt.wantFrom, got.Commit.String())
			assert.Equal(t, len(tt.wantFiles), got.Files)
			var names []string
			for _, l := range listing(t, got.Tree) {
				names = append(names, strings.Fields(l)[1])
			}
			assert.Equal(t, tt.wantFiles, names)
			// depth 1: the first commit's tree is not fetched with the second
			if tt.wantFrom == second {
				assert.Error(t, got.Objects.HasEncodedObject(plumbing.NewHash(first)))
			}
		})
	}
}

// A git:// server that does not answer is a clear error at once, not a
// wait for the OS's connect timeout inside go-git.
func TestFromGitUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now
	_, err = FromGit(context.Background(), "git://"+addr+"/repo.git", "", GitOptions{Allow: []string{addr}, Limits: testLimits})
	require.ErrorIs(t, err, ErrFetch)
	assert.Contains(t, err.Error(), "fetch from "+addr+": cannot connect")
}
