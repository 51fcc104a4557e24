package receive

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fetch and clone with the real git client against upload-pack, in both
// protocol versions, compared with stock git upload-pack on a copy.

// history appends n commits to branch of the repo in dir with git
// fast-import, one second apart from start; commit i changes file
// f/<i%files>.txt (files 0: one growing file, big.txt).
func history(t *testing.T, g *gitServer, dir, branch string, n, files int, start int64) {
	t.Helper()
	var b bytes.Buffer
	from := ""
	if out, _, err := g.gitCmd(dir, "rev-parse", "-q", "--verify", "refs/heads/"+branch); err == nil {
		from = "from " + strings.TrimSpace(out) + "\n"
	}
	var big strings.Builder
	for i := range n {
		name, content := fmt.Sprintf("f/%d.txt", i%max(files, 1)), fmt.Sprintf("%s %d\n", branch, i)
		if files == 0 {
			fmt.Fprintf(&big, "line %d %x\n", i, sha1.Sum([]byte(strconv.Itoa(i)))) // does not compress
			name, content = "big.txt", big.String()
		}
		fmt.Fprintf(&b, "commit refs/heads/%s\ncommitter T <t@example.com> %d +0000\ndata 2\nc\n%s", branch, start+int64(i), from)
		fmt.Fprintf(&b, "M 644 inline %s\ndata %d\n%s\n", name, len(content), content)
		from = ""
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir, cmd.Stdin, cmd.Env = dir, &b, g.env()
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
}

// fetchCount runs git in dir with the received pack traced and returns
// the pack's object count and size.
func fetchCount(t *testing.T, g *gitServer, dir string, args ...string) (int, int) {
	t.Helper()
	trace := filepath.Join(t.TempDir(), "pack")
	g.extraEnv = []string{"GIT_TRACE_PACKFILE=" + trace}
	defer func() { g.extraEnv = nil }()
	g.git(dir, args...)
	b, err := os.ReadFile(trace)
	if os.IsNotExist(err) {
		return 0, 0
	}
	require.NoError(t, err)
	require.Greater(t, len(b), 12)
	return int(binary.BigEndian.Uint32(b[8:12])), len(b)
}

// stockCopy is a bare copy of the server's repository that stock git
// serves over file://.
func stockCopy(t *testing.T, g *gitServer) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "stock.git")
	g.git(t.TempDir(), "clone", "-q", "--bare", "--no-local", g.repoDir(), dir)
	return "file://" + dir
}

// servedHistory is a server whose main has n commits (see history), and
// the work repo that pushed them.
func servedHistory(t *testing.T, n, files int) (*gitServer, string) {
	t.Helper()
	g := newGitServer(t)
	a := g.work()
	history(t, g, a, "main", n, files, 1700000000)
	g.git(a, "push", "-q", "origin", "main")
	return g, a
}

func protocols(t *testing.T, run func(t *testing.T, proto string)) {
	for _, v := range []string{"0", "2"} {
		t.Run("v"+v, func(t *testing.T) {
			t.Parallel()
			run(t, v)
		})
	}
}

func TestRealGitShallow(t *testing.T) {
	t.Parallel()
	protocols(t, func(t *testing.T, v string) {
		g := newGitServer(t)
		a := g.work()
		history(t, g, a, "main", 20, 3, 1700000000)
		g.git(a, "tag", "-a", "-m", "old", "old", "main~15")
		g.git(a, "push", "-q", "origin", "main", "old")
		pv := []string{"-c", "protocol.version=" + v}
		count := func(dir string) int {
			n, err := strconv.Atoi(g.git(dir, "rev-list", "--count", "HEAD"))
			require.NoError(t, err)
			return n
		}
		c := filepath.Join(t.TempDir(), "c")
		g.git(t.TempDir(), append(pv, "clone", "-q", "--depth", "1", g.url, c)...)
		assert.Equal(t, 1, count(c))
		assert.Equal(t, g.ref("refs/heads/main"), g.git(c, "rev-parse", "HEAD"))
		g.git(c, append(pv, "fetch", "-q", "--deepen", "3")...)
		assert.Equal(t, 4, count(c))
		g.git(c, append(pv, "fetch", "-q", "--shallow-since", "1700000010")...)
		assert.Equal(t, 10, count(c))
		g.git(c, append(pv, "fetch", "-q", "--shallow-exclude", "old")...)
		assert.Equal(t, 15, count(c))
		g.git(c, append(pv, "fetch", "-q", "--unshallow")...)
		assert.Equal(t, 20, count(c))
		g.git(c, "fsck", "--strict")
		assert.NoFileExists(t, filepath.Join(c, ".git", "shallow"))
	})
}

func TestRealGitCloneIncludeTag(t *testing.T) {
	t.Parallel()
	protocols(t, func(t *testing.T, v string) {
		g, a := servedHistory(t, 5, 2)
		b := filepath.Join(t.TempDir(), "b")
		g.git(t.TempDir(), "-c", "protocol.version="+v, "clone", "-q", g.url, b)
		g.commit(a, "new.txt", "new\n")
		g.git(a, "tag", "-a", "-m", "v1", "v1", "main")
		g.git(a, "push", "-q", "origin", "main", "v1")
		// the fetch follows the tag on the new commit: include-tag
		// sends it in the same pack.
		g.git(b, "-c", "protocol.version="+v, "fetch", "-q", "origin")
		tag := g.ref("refs/tags/v1")
		assert.Equal(t, tag, g.git(b, "rev-parse", "refs/tags/v1"))
		g.git(b, "fsck", "--strict")
	})
}

// TestRealGitFetchLikeStock: the objects and bytes of a fetch stay within
// twice what stock git upload-pack sends for the same repositories.
func TestRealGitFetchLikeStock(t *testing.T) {
	t.Parallel()
	protocols(t, func(t *testing.T, v string) {
		g, a := servedHistory(t, 1500, 0)
		g.git(a, "checkout", "-q", "-b", "feature")
		history(t, g, a, "feature", 80, 5, 1700100000)
		g.git(a, "push", "-q", "origin", "feature")
		stock := stockCopy(t, g)
		pv := []string{"-c", "protocol.version=" + v, "-c", "fetch.unpackLimit=1"}

		feature := func(url string) (int, int) {
			c := filepath.Join(t.TempDir(), "c")
			g.git(t.TempDir(), append(pv, "clone", "-q", "--single-branch", "-b", "main", url, c)...)
			return fetchCount(t, g, c, append(pv, "fetch", "-q", "origin", "feature:feature")...)
		}
		ours, oursBytes := feature(g.url)
		git, gitBytes := feature(stock)
		t.Logf("feature 80 ahead: %d objects %d bytes; git %d objects %d bytes", ours, oursBytes, git, gitBytes)
		assert.LessOrEqual(t, ours, 2*git, "objects")

		// The client's own feature branch is 80 commits ahead of the main it
		// cloned; main moved on by 5 on the server.
		ahead := func(url string) string {
			c := filepath.Join(t.TempDir(), "c")
			g.git(t.TempDir(), append(pv, "clone", "-q", "--single-branch", "-b", "main", url, c)...)
			g.git(c, "checkout", "-q", "-b", "mine")
			history(t, g, c, "mine", 80, 5, 1700200000)
			return c
		}
		oursClone, stockClone := ahead(g.url), ahead(stock)
		g.git(a, "checkout", "-q", "main")
		history(t, g, a, "main", 5, 3, 1700300000)
		g.git(a, "push", "-q", "origin", "main")
		g.git(stockClone, "remote", "set-url", "origin", stockCopy(t, g))
		ours, oursBytes = fetchCount(t, g, oursClone, append(pv, "fetch", "-q", "origin")...)
		git, gitBytes = fetchCount(t, g, stockClone, append(pv, "fetch", "-q", "origin")...)
		t.Logf("client 80 ahead: %d objects %d bytes; git %d objects %d bytes", ours, oursBytes, git, gitBytes)
		assert.LessOrEqual(t, ours, 2*git, "objects")
		assert.LessOrEqual(t, oursBytes, 2*gitBytes, "bytes")
	})
}

// TestRealGitFetchUnrelatedHistory: a client with 25,000 commits of its
// own sends every one as a have; the fetch still ends in a pack.
func TestRealGitFetchUnrelatedHistory(t *testing.T) {
	t.Parallel()
	protocols(t, func(t *testing.T, v string) {
		g, _ := servedHistory(t, 10, 3)
		b := g.work()
		history(t, g, b, "local", 25000, 50, 1600000000)
		g.git(b, "-c", "protocol.version="+v, "fetch", "-q", "origin", "main:theirs")
		assert.Equal(t, g.ref("refs/heads/main"), g.git(b, "rev-parse", "theirs"))
		g.git(b, "fsck", "--connectivity-only")
	})
}

// TestRealGitThinFetch: a one-line change to a long file on a long history.
func TestRealGitThinFetch(t *testing.T) {
	t.Parallel()
	protocols(t, func(t *testing.T, v string) {
		g, a := servedHistory(t, 1500, 0)
		pv := []string{"-c", "protocol.version=" + v, "-c", "fetch.unpackLimit=1"}
		c1 := filepath.Join(t.TempDir(), "ours")
		g.git(t.TempDir(), append(pv, "clone", "-q", g.url, c1)...)
		stock := stockCopy(t, g)
		c2 := filepath.Join(t.TempDir(), "stock")
		g.git(t.TempDir(), append(pv, "clone", "-q", stock, c2)...)

		history(t, g, a, "main", 1, 0, 1800000000)
		g.git(a, "push", "-q", "origin", "main")
		stock = stockCopy(t, g)
		g.git(c2, "remote", "set-url", "origin", stock)
		ours, oursBytes := fetchCount(t, g, c1, append(pv, "fetch", "-q", "origin")...)
		git, gitBytes := fetchCount(t, g, c2, append(pv, "fetch", "-q", "origin")...)
		t.Logf("one-line change: %d objects %d bytes; git %d objects %d bytes", ours, oursBytes, git, gitBytes)
		assert.LessOrEqual(t, ours, 2*git, "objects")
		assert.LessOrEqual(t, oursBytes, 2*gitBytes, "bytes")
		g.git(c1, "fsck", "--strict")
	})
}
