package deploy

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// entry is one file of a test tree: path, mode and content (a link's
// content is its target).
type entry struct {
	path    string
	mode    filemode.FileMode
	content string
}

// mkTree stores a tree made of entries in st and returns it. Paths with
// "/" make subtrees.
func mkTree(t *testing.T, st *memory.Storage, entries []entry) *object.Tree {
	t.Helper()
	h := writeTree(t, st, entries, "")
	tree, err := object.GetTree(st, h)
	require.NoError(t, err)
	return tree
}

func writeTree(t *testing.T, st *memory.Storage, entries []entry, prefix string) plumbing.Hash {
	var tree object.Tree
	subs := map[string][]entry{}
	var order []string
	for _, e := range entries {
		dir, rest, nested := cutFirst(e.path)
		if nested {
			if _, seen := subs[dir]; !seen {
				order = append(order, dir)
			}
			subs[dir] = append(subs[dir], entry{rest, e.mode, e.content})
			continue
		}
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: e.path, Mode: e.mode, Hash: writeBlob(t, st, e.content)})
	}
	for _, d := range order {
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: d, Mode: filemode.Dir, Hash: writeTree(t, st, subs[d], prefix+d+"/")})
	}
	// git orders entries by name, a tree's name as if it ended in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(tree.Entries, func(i, j int) bool { return key(tree.Entries[i]) < key(tree.Entries[j]) })
	obj := st.NewEncodedObject()
	require.NoError(t, tree.Encode(obj))
	h, err := st.SetEncodedObject(obj)
	require.NoError(t, err)
	return h
}

func cutFirst(p string) (string, string, bool) {
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			return p[:i], p[i+1:], true
		}
	}
	return p, "", false
}

func writeBlob(t *testing.T, st *memory.Storage, content string) plumbing.Hash {
	obj := st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	require.NoError(t, err)
	_, err = w.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	h, err := st.SetEncodedObject(obj)
	require.NoError(t, err)
	return h
}

func TestCheckoutWritesFilesModesAndInsideLinks(t *testing.T) {
	st := memory.NewStorage()
	tree := mkTree(t, st, []entry{
		{"bot.py", filemode.Regular, "print(1)\n"},
		{"run.sh", filemode.Executable, "#!/bin/sh\n"},
		{"pkg/mod.py", filemode.Regular, "X = 1\n"},
		{"pkg/link.py", filemode.Symlink, "mod.py"},
		{"up.py", filemode.Symlink, "pkg/../bot.py"},
	})
	dir := t.TempDir()
	require.NoError(t, Checkout(tree, dir, Limits{}))

	b, err := os.ReadFile(filepath.Join(dir, "pkg", "link.py"))
	require.NoError(t, err)
	assert.Equal(t, "X = 1\n", string(b))
	fi, err := os.Stat(filepath.Join(dir, "run.sh"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
	fi, err = os.Stat(filepath.Join(dir, "bot.py"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
}

func TestCheckoutRefusesEscapes(t *testing.T) {
	cases := map[string][]entry{
		"absolute link":       {{"x", filemode.Symlink, "/etc/passwd"}},
		"climbing link":       {{"x", filemode.Symlink, "../../etc/passwd"}},
		"climbing from a dir": {{"a/x", filemode.Symlink, "../../y"}},
		"empty link":          {{"x", filemode.Symlink, ""}},
		// Each link looks harmless alone; together they climb out.
		"link chain": {{"x/y/s", filemode.Symlink, "../.."}, {"x/y/t", filemode.Symlink, "s/../.."}},
		// The target does not exist on the host: refused all the same,
		// so refusals tell nothing about the host's files.
		"chain to a missing host path": {{"d/up", filemode.Symlink, ".."}, {"leak", filemode.Symlink, "d/up/../../no/such/file"}},
		"link loop":                    {{"a", filemode.Symlink, "b"}, {"b", filemode.Symlink, "a"}},
		".git entry":                   {{".git/config", filemode.Regular, "[core]\n"}},
		// Links whose targets name each other many times over expand
		// exponentially: the step budget refuses them.
		"expanding chain": {
			{"l0", filemode.Symlink, strings.Repeat("l1/../", 64) + "l1"},
			{"l1", filemode.Symlink, strings.Repeat("l2/../", 64) + "l2"},
			{"l2", filemode.Symlink, strings.Repeat("l3/../", 64) + "l3"},
			{"l3", filemode.Regular, "x"}},
		".GIT entry":   {{".GIT", filemode.Regular, "x"}},
		"dot-dot name": {{"..", filemode.Regular, "x"}},
	}
	for name, entries := range cases {
		t.Run(name, func(t *testing.T) {
			tree := mkTree(t, memory.NewStorage(), entries)
			err := Checkout(tree, t.TempDir(), Limits{})
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrUnsafeTree), "got %v", err)
		})
	}
}

func TestCheckoutLimits(t *testing.T) {
	st := memory.NewStorage()
	tree := mkTree(t, st, []entry{{"a", filemode.Regular, "1"}, {"b", filemode.Regular, "2"}, {"c", filemode.Regular, "3"}})
	err := Checkout(tree, t.TempDir(), Limits{MaxFiles: 2})
	assert.True(t, errors.Is(err, ErrTreeTooLarge), "got %v", err)

	big := mkTree(t, st, []entry{{"a", filemode.Regular, string(make([]byte, 2048))}})
	err = Checkout(big, t.TempDir(), Limits{MaxBytes: 1024})
	assert.True(t, errors.Is(err, ErrTreeTooLarge), "got %v", err)
}

func TestCheckoutSkipsSubmodules(t *testing.T) {
	st := memory.NewStorage()
	tree := mkTree(t, st, []entry{{"bot.py", filemode.Regular, "x"}})
	tree.Entries = append(tree.Entries, object.TreeEntry{Name: "vendor", Mode: filemode.Submodule, Hash: plumbing.NewHash("1111111111111111111111111111111111111111")})
	dir := t.TempDir()
	require.NoError(t, Checkout(tree, dir, Limits{}))
	_, err := os.Stat(filepath.Join(dir, "vendor"))
	assert.True(t, os.IsNotExist(err))
}
