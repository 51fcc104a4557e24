package packout

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

func git(t *testing.T, dir string, stdin []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir,
		"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
	return strings.TrimSpace(string(out))
}

// repo makes a bare repository with ten versions of one long file, packed
// with deltas, plus one loose commit on top.
func repo(t *testing.T) (string, []plumbing.Hash) {
	dir := t.TempDir()
	git(t, dir, nil, "init", "-q", "-b", "main")
	var body strings.Builder
	for i := range 10 {
		for j := range 200 {
			fmt.Fprintf(&body, "version %d line %d\n", i*j%7, j)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "f.txt"), []byte(body.String()), 0o644))
		git(t, dir, nil, "add", "f.txt")
		git(t, dir, nil, "commit", "-q", "-m", fmt.Sprint(i))
	}
	git(t, dir, nil, "repack", "-adq")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "g.txt"), []byte("loose\n"), 0o644))
	git(t, dir, nil, "add", "g.txt")
	git(t, dir, nil, "commit", "-q", "-m", "loose")
	var objs []plumbing.Hash
	for _, l := range strings.Split(git(t, dir, nil, "rev-list", "--objects", "--all"), "\n") {
		objs = append(objs, plumbing.NewHash(strings.Fields(l)[0]))
	}
	return filepath.Join(dir, ".git"), objs
}

// TestWriteMatchesGit: git's index-pack takes the pack, with every object;
// the stored deltas went out as deltas and the loose objects deflated.
func TestWriteMatchesGit(t *testing.T) {
	ci.NeedTools(t, "git")
	gitDir, objs := repo(t)
	fs := osfs.New(gitDir)
	st := filesystem.NewStorage(fs, cache.NewObjectLRUDefault())
	for _, ofs := range []bool{true, false} {
		var pack bytes.Buffer
		stats, err := Write(&pack, fs, st, objs, Options{OfsDelta: ofs})
		require.NoError(t, err)
		assert.Equal(t, len(objs), stats.Objects)
		assert.Positive(t, stats.Deltas, "stored deltas reused")
		assert.Positive(t, stats.Inflated, "loose objects deflated")
		dst := t.TempDir()
		git(t, dst, nil, "init", "-q", "--bare")
		git(t, dst, pack.Bytes(), "index-pack", "--stdin", "--strict")
		for _, h := range objs {
			git(t, dst, nil, "cat-file", "-e", h.String())
		}
	}
}

// TestWriteThin: a stored delta whose base the client has goes out as it
// is, and git completes the thin pack from its own objects.
func TestWriteThin(t *testing.T) {
	ci.NeedTools(t, "git")
	gitDir, _ := repo(t)
	fs := osfs.New(gitDir)
	st := filesystem.NewStorage(fs, cache.NewObjectLRUDefault())
	idx, err := filepath.Glob(filepath.Join(gitDir, "objects", "pack", "*.idx"))
	require.NoError(t, err)
	require.Len(t, idx, 1)
	var delta plumbing.Hash // a blob stored as a delta (verify-pack shows its depth and base)
	for _, l := range strings.Split(git(t, gitDir, nil, "verify-pack", "-v", idx[0]), "\n") {
		if f := strings.Fields(l); len(f) == 7 && f[1] == "blob" {
			delta = plumbing.NewHash(f[0])
		}
	}
	require.False(t, delta.IsZero(), "the repack made a blob delta")
	var pack bytes.Buffer
	stats, err := Write(&pack, fs, st, []plumbing.Hash{delta}, Options{OfsDelta: true, Thin: true,
		Known: func(h plumbing.Hash) bool { return h != delta }})
	require.NoError(t, err)
	assert.Equal(t, Stats{Objects: 1, Deltas: 1}, stats)
	dst := t.TempDir()
	git(t, dst, nil, "clone", "-q", "--bare", "--no-local", gitDir, ".")
	git(t, dst, pack.Bytes(), "index-pack", "--stdin", "--fix-thin")

	// Without thin, the same object goes out whole.
	pack.Reset()
	stats, err = Write(&pack, fs, st, []plumbing.Hash{delta}, Options{OfsDelta: true})
	require.NoError(t, err)
	assert.Equal(t, Stats{Objects: 1, Inflated: 1}, stats)
	empty := t.TempDir()
	git(t, empty, nil, "init", "-q", "--bare")
	git(t, empty, pack.Bytes(), "index-pack", "--stdin")
}

// TestObjectsReadsAsGoGit: every object of a repository with stored
// deltas and a loose commit reads as go-git reads it; a blob asked for as
// any object is typed but not inflated, and a type mismatch is refused.
func TestObjectsReadsAsGoGit(t *testing.T) {
	ci.NeedTools(t, "git")
	gitDir, objs := repo(t)
	fs := osfs.New(gitDir)
	st := filesystem.NewStorage(fs, cache.NewObjectLRUDefault())
	o, err := OpenObjects(fs, st)
	require.NoError(t, err)
	defer o.Close()
	for _, h := range objs {
		obj, err := st.EncodedObject(plumbing.AnyObject, h)
		require.NoError(t, err)
		r, err := obj.Reader()
		require.NoError(t, err)
		want, err := io.ReadAll(r)
		require.NoError(t, err)
		typ, got, err := o.Read(h, obj.Type())
		require.NoError(t, err, h)
		assert.Equal(t, obj.Type(), typ)
		assert.Equal(t, want, got, h)

		typ, got, err = o.Read(h, plumbing.AnyObject)
		require.NoError(t, err)
		assert.Equal(t, obj.Type(), typ)
		if typ == plumbing.BlobObject {
			assert.True(t, got == nil, "a blob is not inflated")
		} else {
			assert.Equal(t, want, got)
		}
		if typ != plumbing.TagObject {
			_, _, err = o.Read(h, plumbing.TagObject)
			assert.ErrorIs(t, err, plumbing.ErrObjectNotFound)
		}
	}
}
