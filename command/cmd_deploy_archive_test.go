package command

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/testsupport/testenv"
)

// Head and PushServerCommit make fakeRepos a Repos for the other tests;
// the deploy:archive and deploy:git tests use a real receive.Repos.
func (f *fakeRepos) Head(string, plumbing.ReferenceName) (plumbing.Hash, error) {
	return plumbing.ZeroHash, nil
}

func (f *fakeRepos) PushServerCommit(context.Context, receive.Session, receive.ServerCommit, io.Writer) (receive.Result, error) {
	return receive.Result{}, errors.New("fakeRepos takes no server commits")
}

// repoWorld is the test world with real repositories and a pipeline that
// records what it deployed (and fails with fail, when set).
type repoWorld struct {
	*world
	repos *receive.Repos
	root  string
	mu    sync.Mutex
	runs  []*receive.Push
	fail  error
}

func newRepoWorld(t *testing.T, opts IntakeOptions) *repoWorld {
	w := &repoWorld{world: newWorld(t)}
	pipe := receive.PipelineFunc(func(_ context.Context, p *receive.Push) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.runs = append(w.runs, p)
		_, _ = io.WriteString(p.Progress, "-----> building\n")
		return w.fail
	})
	w.root = t.TempDir()
	r, err := receive.NewRepos(w.root, receive.Options{Pipeline: pipe})
	require.NoError(t, err)
	for _, app := range []string{"alice-bot", "carol-bot"} {
		require.NoError(t, r.Create(app))
	}
	w.repos = r
	w.r = NewRouter(Deps{Store: w.s, Auth: auth.New(w.s, quota), Repos: r, Intake: opts, Version: "1.2.3"})
	return w
}

func (w *repoWorld) head(app string) plumbing.Hash {
	h, err := w.repos.Head(app, "refs/heads/main")
	require.NoError(w.t, err)
	return h
}

// commit reads a commit from the app's repository on disk.
func (w *repoWorld) commit(app string, h plumbing.Hash) *object.Commit {
	repo, err := git.PlainOpen(filepath.Join(w.root, app+".git"))
	require.NoError(w.t, err)
	c, err := repo.CommitObject(h)
	require.NoError(w.t, err)
	return c
}

// tgzOf is a tar.gz of name → content files.
func tgzOf(t *testing.T, files ...string) string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for i := 0; i+1 < len(files); i += 2 {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: files[i], Mode: 0o644, Size: int64(len(files[i+1])), Typeflag: tar.TypeReg}))
		_, err := io.WriteString(tw, files[i+1])
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	return buf.String()
}

func TestDeployArchive(t *testing.T) {
	w := newRepoWorld(t, IntakeOptions{})
	out := w.ok("alice", tgzOf(t, "./bot.py", "print('v1')"), "deploy:archive", "alice-bot")
	assert.Contains(t, out, "read 1 file from the archive")
	assert.Contains(t, out, "-----> building")
	first := w.head("alice-bot")
	require.False(t, first.IsZero())
	assert.Contains(t, out, "alice-bot: main is now "+first.String()[:7])
	require.Len(t, w.runs, 1)
	assert.Equal(t, []receive.Command{{Name: "refs/heads/main", New: first}}, w.runs[0].Updates)
	assert.Equal(t, "alice", w.runs[0].Pusher)

	// Collaborators, admins and the app's deploy key may, like a push; the
	// next commit sits on top of the last.
	for _, who := range []string{"bob", "root", "deploy"} {
		before := w.head("alice-bot")
		w.ok(who, tgzOf(t, "bot.py", "print('"+who+"')"), "deploy:archive", "alice-bot")
		p := w.runs[len(w.runs)-1]
		assert.Equal(t, before, p.Updates[0].Old, who)
		c := w.commit("alice-bot", p.Updates[0].New)
		assert.Equal(t, []plumbing.Hash{before}, c.ParentHashes, who)
		assert.Equal(t, "deploy:archive by "+w.ids[who].String()+"\n", c.Message)
		assert.Equal(t, w.ids[who].String(), c.Author.Name)
	}
}

func TestDeployArchiveRefusals(t *testing.T) {
	w := newRepoWorld(t, IntakeOptions{MaxPushSize: 1 << 10})
	good := tgzOf(t, "bot.py", "print()")
	for _, tc := range []struct {
		name, who, stdin, app string
		want                  string
	}{
		{"someone else's app", "carol", good, "alice-bot", "not found"},
		{"missing app", "carol", good, "nobody-bot", "not found"},
		{"another app's deploy key", "deploy", good, "carol-bot", "not found"},
		{"climbs out", "alice", tgzOf(t, "../x", "x"), "alice-bot", `archive entry "../x" climbs out`},
		{"absolute", "alice", tgzOf(t, "/etc/x", "x"), "alice-bot", `archive entry "/etc/x" has an absolute path`},
		{".git", "alice", tgzOf(t, ".git/hooks/post-checkout", "x"), "alice-bot", "inside a .git directory"},
		{"not gzip", "alice", "hello", "alice-bot", "not a tar.gz"},
		{"over the size", "alice", tgzOf(t, "big", testenv.Incompressible(4<<10)), "alice-bot", "over 1 KiB compressed"},
	} {
		res := w.run(tc.who, tc.stdin, "deploy:archive", tc.app)
		assert.Equal(t, 1, res.code, tc.name)
		assert.Contains(t, res.stderr, tc.want, tc.name)
		assert.Contains(t, res.stderr, "hint:", tc.name)
	}
	assert.Empty(t, w.runs, "nothing refused reaches the pipeline")
	assert.True(t, w.head("alice-bot").IsZero())
	other := w.run("carol", good, "deploy:archive", "alice-bot")
	missing := w.run("carol", good, "deploy:archive", "zzzzz-bot")
	assert.Equal(t, missing.stderr, strings.ReplaceAll(other.stderr, "alice-bot", "zzzzz-bot"))
	assert.Contains(t, missing.stderr, "to make a new one: apps:create zzzzz-bot", "deploys do not create apps: say how")
}

func TestDeployArchivePipelineFails(t *testing.T) {
	w := newRepoWorld(t, IntakeOptions{})
	w.ok("alice", tgzOf(t, "bot.py", "v1"), "deploy:archive", "alice-bot")
	before := w.head("alice-bot")
	w.fail = hint.New("BUILD_FAILED", "build failed: pip exited 1", "fix requirements.txt")
	res := w.run("alice", tgzOf(t, "bot.py", "v2"), "deploy:archive", "alice-bot", "--json")
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stderr, "-----> building", "progress goes to stderr with --json")
	assert.Contains(t, res.stderr, `"code": "BUILD_FAILED"`)
	assert.Equal(t, before, w.head("alice-bot"), "a failed deploy moves nothing")

	w.fail = nil
	res = w.run("alice", tgzOf(t, "bot.py", "v3"), "deploy:archive", "alice-bot", "--json")
	require.Equal(t, 0, res.code, res.stderr)
	got := decode[map[string]any](t, res.stdout)
	assert.Equal(t, "main", got["ref"])
	assert.Equal(t, w.head("alice-bot").String(), got["commit"])
}
