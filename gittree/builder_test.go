package gittree

import (
	"errors"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hashes were made by git itself from the same files (git add -A,
// git write-tree, git commit-tree): the trees are byte for byte git's.
func TestWriteMatchesGit(t *testing.T) {
	b := New()
	require.NoError(t, b.Add("a0", filemode.Regular, []byte("z")))
	require.NoError(t, b.Add("a/x.py", filemode.Regular, []byte("y")))
	require.NoError(t, b.Add("a.py", filemode.Regular, []byte("x")))
	require.NoError(t, b.Add("run.sh", filemode.Executable, []byte("#!")))
	require.NoError(t, b.Add("l", filemode.Symlink, []byte("a.py")))
	require.NoError(t, b.Put("e/f", Entry{Mode: filemode.Dir}))
	tree, err := b.Write()
	require.NoError(t, err)
	assert.Equal(t, "39d95584c7b06c6da2deac0f652df81096272af3", tree.String())

	got, err := object.GetTree(b.Storage(), tree)
	require.NoError(t, err)
	var names []string
	for _, e := range got.Entries {
		names = append(names, e.Name)
	}
	assert.Equal(t, []string{"a.py", "a", "a0", "l", "run.sh"}, names, "git order: a directory sorts as \"a/\"; e/f is empty")

	sig := object.Signature{Name: "alice", Email: "alice@example.com", When: time.Unix(1700000000, 0).UTC()}
	c, err := Commit(b.Storage(), tree, plumbing.ZeroHash, sig, "first\n")
	require.NoError(t, err)
	assert.Equal(t, "3ace3b96da4bea84c3098e8cba2ebc675000038f", c.String())
}

func TestCommitParent(t *testing.T) {
	b := New()
	require.NoError(t, b.Add("bot.py", filemode.Regular, []byte("x")))
	tree, err := b.Write()
	require.NoError(t, err)
	sig := object.Signature{Name: "bob", Email: "bob@botrunner", When: time.Unix(1700000000, 0).UTC()}
	parent := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
	for _, p := range []plumbing.Hash{plumbing.ZeroHash, parent} {
		h, err := Commit(b.Storage(), tree, p, sig, "m")
		require.NoError(t, err)
		c, err := object.GetCommit(b.Storage(), h)
		require.NoError(t, err)
		assert.Equal(t, tree, c.TreeHash)
		assert.Equal(t, "m", c.Message, "the message is stored as given")
		assert.Equal(t, sig.Name, c.Author.Name)
		assert.Equal(t, c.Author, c.Committer)
		if p.IsZero() {
			assert.Empty(t, c.ParentHashes)
		} else {
			assert.Equal(t, []plumbing.Hash{p}, c.ParentHashes)
		}
	}
}

type leaf struct {
	path string
	mode filemode.FileMode
}

func TestPutConflicts(t *testing.T) {
	const dir, file, exe, link = filemode.Dir, filemode.Regular, filemode.Executable, filemode.Symlink
	tests := []struct {
		name   string
		leaves []leaf
		want   string // the last leaf's error; "" = all added
	}{
		{"file through symlink", []leaf{{"d", dir}, {"s", link}, {"s/x", file}}, "s/x goes through the symlink s"},
		{"file through file", []leaf{{"f", file}, {"f/x", file}}, "f/x goes through the file f"},
		{"deep through file", []leaf{{"a/f", exe}, {"a/f/b/c", file}}, "a/f/b/c goes through the file a/f"},
		{"file then dir", []leaf{{"a", file}, {"a", dir}}, "a appears twice, as a file and as a directory"},
		{"implied dir then symlink", []leaf{{"a/x", file}, {"a", link}}, "a appears twice, as a directory and as a symlink"},
		{"symlink then file", []leaf{{"a", link}, {"a", file}}, "a appears twice, as a symlink and as a file"},
		{"file then executable", []leaf{{"a", file}, {"a", exe}}, ""},
		{"dir twice", []leaf{{"a/x", file}, {"a", dir}, {"a", dir}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New()
			var err error
			for _, l := range tt.leaves {
				if l.mode == filemode.Dir {
					err = b.Put(l.path, Entry{Mode: dir})
				} else {
					err = b.Add(l.path, l.mode, []byte(l.path))
				}
			}
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			var c *ConflictError
			require.True(t, errors.As(err, &c), "%v", err)
			assert.Equal(t, tt.want, err.Error())
			assert.Equal(t, tt.leaves[len(tt.leaves)-1].path, c.Path)
		})
	}
}

func TestReplaceKeepsDirAndLastLeaf(t *testing.T) {
	b := New()
	require.NoError(t, b.Add("a/x", filemode.Regular, []byte("1")))
	require.NoError(t, b.Put("a", Entry{Mode: filemode.Dir}))
	require.NoError(t, b.Add("a/x", filemode.Executable, []byte("2")))
	e, ok := b.Lookup("a/x")
	require.True(t, ok)
	assert.Equal(t, filemode.Executable, e.Mode)
	_, ok = b.Lookup("a")
	assert.True(t, ok, "the parent stays")
}

func TestLookupAllReroot(t *testing.T) {
	b := New()
	require.NoError(t, b.Add("top/bot.py", filemode.Regular, []byte("x")))
	require.NoError(t, b.Add("top/lib/l", filemode.Symlink, []byte("../bot.py")))
	e, ok := b.Lookup("top/lib/l")
	require.True(t, ok)
	assert.Equal(t, "../bot.py", e.Target)
	_, ok = b.Lookup("top/missing")
	assert.False(t, ok)

	b.Reroot("top")
	paths := map[string]filemode.FileMode{}
	for p, e := range b.All() {
		paths[p] = e.Mode
	}
	assert.Equal(t, map[string]filemode.FileMode{"bot.py": filemode.Regular, "lib": filemode.Dir, "lib/l": filemode.Symlink}, paths)
}

func TestEmptyRoot(t *testing.T) {
	b := New()
	require.NoError(t, b.Put("empty/dir", Entry{Mode: filemode.Dir}))
	h, err := b.Write()
	require.NoError(t, err)
	tree, err := object.GetTree(b.Storage(), h)
	require.NoError(t, err)
	assert.Empty(t, tree.Entries, "empty dirs are dropped; the root is written anyway")
}
