package receive

import (
	"crypto/sha1"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/botrunner/botrunner/gitpack"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// End-to-end: the real git client against ReceivePack and UploadPack, over
// git's ext transport with this test binary as the server.

func TestRealGitPushStory(t *testing.T) {
	t.Parallel()
	g := newGitServer(t)
	w := g.work()

	c1 := g.commit(w, "bot.py", "print('v1')\n")
	g.git(w, "push", "-q", "origin", "main")
	require.Equal(t, c1, g.ref("refs/heads/main"), "first push creates main")

	c2 := g.commit(w, "bot.py", "print('v2')\n")
	g.git(w, "push", "-q", "origin", "main")
	require.Equal(t, c2, g.ref("refs/heads/main"), "fast-forward")

	g.git(w, "reset", "-q", "--hard", c1)
	c3 := g.commit(w, "other.py", "print('v3')\n")
	stderr := g.gitFails(w, "push", "origin", "main")
	assert.Contains(t, stderr, "non-fast-forward")
	g.git(w, "push", "-q", "origin", "+main")
	require.Equal(t, c3, g.ref("refs/heads/main"), "force push")

	g.git(w, "push", "-q", "origin", "main:refs/heads/feature")
	require.Equal(t, c3, g.ref("refs/heads/feature"), "new branch at a commit the server has")
	objects := objectFiles(t, g.repoDir())
	g.git(w, "push", "-q", "origin", "--delete", "feature")
	require.Empty(t, g.ref("refs/heads/feature"), "delete")
	require.Equal(t, objects, objectFiles(t, g.repoDir()), "a delete-only push sends no pack")

	_, stderr, err := g.gitCmd(w, "push", "origin", "main")
	require.NoError(t, err)
	assert.Contains(t, stderr, "Everything up-to-date")

	g.git(w, "tag", "-a", "v1", "-m", "release 1")
	g.git(w, "tag", "light")
	g.git(w, "push", "-q", "origin", "--tags")
	assert.Equal(t, g.git(w, "rev-parse", "v1"), g.ref("refs/tags/v1"), "annotated tag object")
	assert.NotEqual(t, c3, g.ref("refs/tags/v1"))
	assert.Equal(t, c3, g.ref("refs/tags/light"))
	refs := g.lsRemote(w)
	assert.Equal(t, map[string]string{
		"HEAD": c3, "refs/heads/main": c3, "refs/tags/light": c3,
		"refs/tags/v1": g.ref("refs/tags/v1"), "refs/tags/v1^{}": c3,
	}, refs)

	clone := filepath.Join(t.TempDir(), "clone")
	g.git(t.TempDir(), "clone", "-q", g.url, clone)
	assert.Equal(t, c3, g.git(clone, "rev-parse", "HEAD"), "clone checks out main")
	assert.Equal(t, "main", g.git(clone, "symbolic-ref", "--short", "HEAD"))
	assert.Equal(t, g.ref("refs/tags/v1"), g.git(clone, "rev-parse", "refs/tags/v1"))
	b, err := os.ReadFile(filepath.Join(clone, "other.py"))
	require.NoError(t, err)
	assert.Equal(t, "print('v3')\n", string(b))
	g.git(clone, "fsck", "--strict")
	g.git(g.repoDir(), "fsck", "--strict")
	assert.Empty(t, quarantines(t, g.repoDir()))
}

// TestRealGitFetchNegotiation: both sides have more than 40 commits the other
// lacks, so the client sends several batches of haves before it finds the
// common commit.
func TestRealGitFetchNegotiation(t *testing.T) {
	t.Parallel()
	g := newGitServer(t)
	a := g.work()
	base := g.commits(a, "base", 3)
	g.git(a, "push", "-q", "origin", "main")

	b := filepath.Join(t.TempDir(), "b")
	g.git(t.TempDir(), "clone", "-q", g.url, b)
	require.Equal(t, base, g.git(b, "rev-parse", "HEAD"))

	serverTip := g.commits(a, "server", 45)
	g.git(a, "push", "-q", "origin", "main")
	localTip := g.commits(b, "local", 45)

	_, stderr, err := g.gitCmd(b, "-c", "fetch.negotiationAlgorithm=consecutive", "fetch", "-v", "origin")
	require.NoError(t, err, stderr)
	assert.Equal(t, serverTip, g.git(b, "rev-parse", "origin/main"))
	assert.Equal(t, localTip, g.git(b, "rev-parse", "main"))

	// The trace shows the batches: the client sent more haves than one round.
	g.commits(a, "more", 2)
	g.git(a, "push", "-q", "origin", "main")
	g.commits(b, "more-local", 45)
	g.extraEnv = []string{"GIT_TRACE_PACKET=1"}
	_, trace, err := g.gitCmd(b, "-c", "fetch.negotiationAlgorithm=consecutive", "fetch", "origin")
	g.extraEnv = nil
	require.NoError(t, err, trace)
	assert.Greater(t, strings.Count(trace, "> have "), 32, "several have-batches")
	assert.Equal(t, g.ref("refs/heads/main"), g.git(b, "rev-parse", "origin/main"))
	g.git(b, "merge", "-q", "--no-edit", "origin/main")
	g.git(b, "push", "-q", "origin", "main")
	assert.Equal(t, g.git(b, "rev-parse", "HEAD"), g.ref("refs/heads/main"))
	g.git(b, "fsck", "--strict")
	g.git(g.repoDir(), "fsck", "--strict")
}

// TestRealGitAtomicStale: another push moves feature after the advertisement;
// an atomic push of main and feature must change nothing.
func TestRealGitAtomicStale(t *testing.T) {
	t.Parallel()
	g := newGitServer(t)
	w := g.work()
	c1 := g.commit(w, "bot.py", "v1\n")
	g.git(w, "push", "-q", "origin", "main", "main:feature")
	g.commit(w, "bot.py", "v2\n")
	g.git(w, "push", "-q", "origin", "main:feature")
	g.commit(w, "bot.py", "v3\n")
	before := g.snapshot(w)

	g.move = "refs/heads/feature " + c1 // feature goes back to c1 behind the client's back
	stderr := g.gitFails(w, "push", "--atomic", "origin", "main", "main:feature")
	g.move = ""
	assert.Contains(t, stderr, "atomic push failed")
	assert.Equal(t, c1, g.ref("refs/heads/main"), "main untouched")
	assert.Equal(t, c1, g.ref("refs/heads/feature"), "feature as the other push left it")
	before.refs["refs/heads/feature"] = c1
	g.requireUnchanged(w, before)
}

// TestRealGitAtomicRollback: feature moves while the pipeline runs, after
// every check passed; main, already moved, must go back.
func TestRealGitAtomicRollback(t *testing.T) {
	t.Parallel()
	g := newGitServer(t)
	w := g.work()
	c1 := g.commit(w, "bot.py", "v1\n")
	g.git(w, "push", "-q", "origin", "main", "main:feature")
	g.commit(w, "bot.py", "v2\n")

	g.pipeline = "block"
	done := make(chan string, 1)
	go func() {
		_, stderr, err := g.gitCmd(w, "push", "--atomic", "origin", "main", "main:feature")
		assert.Error(t, err, "push should fail")
		done <- stderr
	}()
	require.Eventually(t, func() bool {
		_, err := os.Stat(filepath.Join(g.root, "blocked"))
		return err == nil
	}, time.Minute, 10*time.Millisecond)
	st, err := g.repos.Storage(app)
	require.NoError(t, err)
	require.NoError(t, st.RemoveReference("refs/heads/feature"), "a concurrent delete")
	require.NoError(t, os.WriteFile(filepath.Join(g.root, "unblock"), nil, 0o600))
	stderr := <-done
	assert.Contains(t, stderr, "atomic push failed")
	assert.Equal(t, c1, g.ref("refs/heads/main"), "main rolled back")
	assert.Empty(t, g.ref("refs/heads/feature"))
	assert.Empty(t, quarantines(t, g.repoDir()))
}

func TestRealGitPipelineFails(t *testing.T) {
	t.Parallel()
	g := newGitServer(t)
	w := g.work()
	g.commit(w, "bot.py", "v1\n")
	g.git(w, "push", "-q", "origin", "main")
	g.commit(w, "bot.py", "v2\n")
	before := g.snapshot(w)

	g.pipeline = "fail"
	stderr := g.gitFails(w, "push", "origin", "main")
	g.pipeline = ""
	assert.Contains(t, stderr, "remote: building...")
	assert.Contains(t, stderr, "remote: error: build failed")
	assert.Contains(t, stderr, "[remote rejected] main -> main (build failed)")
	g.requireUnchanged(w, before)
}

func TestRealGitPushTooLarge(t *testing.T) {
	t.Parallel()
	g := newGitServer(t)
	w := g.work()
	g.commit(w, "bot.py", "v1\n")
	g.git(w, "push", "-q", "origin", "main")
	randomFile(t, w, "big.bin", 200<<10)
	g.git(w, "add", "big.bin")
	g.git(w, "commit", "-q", "-m", "big")
	before := g.snapshot(w)

	g.maxPush = 64 << 10
	stderr := g.gitFails(w, "push", "origin", "main")
	g.maxPush = 0
	assert.Contains(t, stderr, "remote: error: pack over 64 KiB: push is larger than the server allows")
	assert.Contains(t, stderr, "remote: hint: "+gitpack.ErrTooLarge.Tip)
	g.requireUnchanged(w, before)
}

func TestRealGitPushOptions(t *testing.T) {
	t.Parallel()
	g := newGitServer(t)
	w := g.work()
	c1 := g.commit(w, "bot.py", "v1\n")
	g.pipeline = "record"
	g.git(w, "push", "-q", "-o", "foo", "-o", "ci.skip=yes please", "origin", "main")
	rec := g.record()
	assert.Equal(t, []string{"foo", "ci.skip=yes please"}, rec.Options)
	assert.Equal(t, []Command{{Name: "refs/heads/main", New: plumbing.NewHash(c1)}}, rec.Updates)

	c2 := g.commit(w, "bot.py", "v2\n")
	g.git(w, "push", "-q", "origin", "main")
	rec = g.record()
	assert.Empty(t, rec.Options, "no options this time")
	assert.Equal(t, []Command{{Name: "refs/heads/main", Old: plumbing.NewHash(c1), New: plumbing.NewHash(c2)}}, rec.Updates)
}

// TestRealGitThinPush: git sends a thin pack for a one-line change of a big
// file the server has (the changed blob as a delta against the server's
// copy); the push is taken, its base is completed from the repo, and the
// repo stays fsck-clean.
func TestRealGitThinPush(t *testing.T) {
	t.Parallel()
	g := newGitServer(t)
	w := g.work()
	text := testText(200 << 10)
	g.commit(w, "big.txt", text)
	g.git(w, "push", "-q", "origin", "main")
	before, err := filepath.Glob(filepath.Join(g.repoDir(), "objects", "pack", "*.pack"))
	require.NoError(t, err)

	c2 := g.commit(w, "big.txt", "one new line\n"+text)
	g.extraEnv = []string{"GIT_TRACE=1"}
	_, stderr, err := g.gitCmd(w, "push", "origin", "main")
	g.extraEnv = nil
	require.NoError(t, err, stderr)
	require.Contains(t, stderr, "--thin", "git did not offer a thin pack: the server still says no-thin")
	require.Equal(t, c2, g.ref("refs/heads/main"))

	after, err := filepath.Glob(filepath.Join(g.repoDir(), "objects", "pack", "*.pack"))
	require.NoError(t, err)
	require.Len(t, after, len(before)+1)
	g.git(g.repoDir(), "fsck", "--strict", "--full")
	clone := filepath.Join(t.TempDir(), "clone")
	g.git(t.TempDir(), "clone", "-q", g.url, clone)
	b, err := os.ReadFile(filepath.Join(clone, "big.txt"))
	require.NoError(t, err)
	require.Equal(t, "one new line\n"+text, string(b))
}

// testText is n bytes of varied, line-structured text that git deltifies
// well and zlib cannot squeeze much.
func testText(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "line %d %x\n", i, sha1.Sum([]byte{byte(i), byte(i >> 8), byte(i >> 16)}))
	}
	return b.String()
}
