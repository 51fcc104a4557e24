package gitpack

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// git runs git in dir and returns its stdout.
func git(t testing.TB, dir string, stdin []byte, args ...string) []byte {
	t.Helper()
	ci.NeedTools(t, "git")
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@b", "GIT_COMMITTER_NAME=a",
		"GIT_COMMITTER_EMAIL=a@b", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "git %v: %s", args, stderr.String())
	return out
}

// history makes a repo with n commits that each change one line of a big
// file, so git deltifies them.
func history(t testing.TB, n int) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, nil, "init", "-q", "-b", "main")
	var lines []string
	for i := 0; i < 400; i++ {
		lines = append(lines, strings.Repeat("x", 40)+string(rune('a'+i%26)))
	}
	for i := 0; i < n; i++ {
		lines[i%len(lines)] = "changed " + strings.Repeat("y", i)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "big.txt"), []byte(strings.Join(lines, "\n")), 0o644))
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "d"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "d", "f"), []byte{byte(i)}, 0o644))
		git(t, dir, nil, "add", "-A")
		git(t, dir, nil, "commit", "-q", "-m", "c")
	}
	return dir
}

func packOf(t testing.TB, dir string, revs string, flags ...string) []byte {
	return git(t, dir, []byte(revs), append([]string{"pack-objects", "--stdout", "--revs"}, flags...)...)
}

func TestIndexMatchesGit(t *testing.T) {
	repo := history(t, 30)
	for _, flags := range [][]string{nil, {"--delta-base-offset"}, {"--window=0"}} {
		pack := packOf(t, repo, "main\n", flags...)
		out := t.TempDir()
		res, err := Index(context.Background(), bytes.NewReader(pack), out, Options{})
		require.NoError(t, err, "%v", flags)
		got, err := os.ReadFile(res.Idx)
		require.NoError(t, err)
		require.Equal(t, gitIndex(t, repo, pack), got, "%v: our .idx differs from git's", flags)
		stored, err := os.ReadFile(res.Pack)
		require.NoError(t, err)
		require.Equal(t, pack, stored)
	}
}

// With a budget that holds nothing, every base is made again from the pack
// and the index is still git's.
func TestIndexWithNoDeltaBudget(t *testing.T) {
	repo := history(t, 60)
	pack := packOf(t, repo, "main\n", "--depth=50")
	counts := map[string]int{}
	check := func(typ plumbing.ObjectType, data []byte) error {
		counts[typ.String()]++
		return nil
	}
	res, err := Index(context.Background(), bytes.NewReader(pack), t.TempDir(),
		Options{Limits: Limits{DeltaBudget: 1}, Check: check})
	require.NoError(t, err)
	got, err := os.ReadFile(res.Idx)
	require.NoError(t, err)
	require.Equal(t, gitIndex(t, repo, pack), got)
	require.Equal(t, 60, counts["commit"])
	require.Equal(t, 120, counts["tree"])
}

// gitIndex is the .idx git's own index-pack writes for pack.
func gitIndex(t *testing.T, repo string, pack []byte) []byte {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "p.pack")
	require.NoError(t, os.WriteFile(ref, pack, 0o644))
	git(t, repo, nil, "index-pack", ref)
	idx, err := os.ReadFile(strings.TrimSuffix(ref, ".pack") + ".idx")
	require.NoError(t, err)
	return idx
}
