package gitfsck

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var id = func() []byte { b, _ := hex.DecodeString("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"); return b }()

func entry(mode, name string) []byte { return append([]byte(mode+" "+name+"\x00"), id...) }

func tree(entries ...[]byte) []byte {
	var out []byte
	for _, e := range entries {
		out = append(out, e...)
	}
	return out
}

func TestCheckTreeRefusesWhatGitFsckRefuses(t *testing.T) {
	dotgits := []string{".git", ".GIT", ".Git", "git~1", "GIT~1", ".git.", ".git ", ".git. . .", ".git::$INDEX_ALLOCATION",
		".git\\foo", "git~1:stream", ".git\u200c", "\ufeff.git", ".g\u200dit", ".\u206agit", ".gi\u200et"}
	for _, n := range dotgits {
		assert.ErrorIs(t, CheckTree(tree(entry("100644", n))), ErrBadTree, "%q", n)
		assert.ErrorIs(t, CheckTree(tree(entry("40000", n))), ErrBadTree, "%q as a dir", n)
	}
	bad := map[string][]byte{
		"dot":                   tree(entry("100644", ".")),
		"dotdot":                tree(entry("40000", "..")),
		"empty name":            tree(entry("100644", "")),
		"slash":                 tree(entry("100644", "a/b")),
		"zero-padded mode":      tree(entry("040000", "d")),
		"group-writable mode":   tree(entry("100664", "f")),
		"bad mode":              tree(entry("100600", "f")),
		"unsorted":              tree(entry("100644", "b"), entry("100644", "a")),
		"duplicate":             tree(entry("100644", "a"), entry("100644", "a")),
		"file and dir":          tree(entry("100644", "a"), entry("100644", "a.b"), entry("40000", "a")),
		"dir sorts as a/":       tree(entry("40000", "a"), entry("100644", "a.b")),
		"symlinked .gitmodules": tree(entry("120000", ".gitmodules")),
		"symlinked GITMOD~1":    tree(entry("120000", "GITMOD~1")),
		"truncated":             tree(entry("100644", "a"))[:10],
		"null id":               append([]byte("100644 a\x00"), make([]byte, 20)...),
	}
	for name, data := range bad {
		assert.ErrorIs(t, CheckTree(data), ErrBadTree, name)
	}
}

func TestCheckTreeTakesWhatGitTakes(t *testing.T) {
	good := [][]byte{
		tree(),
		tree(entry("100644", ".github"), entry("100644", ".gitignore"), entry("120000", "link")),
		tree(entry("100644", "a.b"), entry("40000", "a"), entry("160000", "sub")),
		tree(entry("100644", ".gitx"), entry("100644", "git~2"), entry("100755", "run.sh")),
		tree(entry("100644", ".gitmodules")),
		tree(entry("100644", "caf\u00e9"), entry("100644", "\u200cgit")),
	}
	for i, data := range good {
		require.NoError(t, CheckTree(data), "tree %d", i)
	}
}

func TestCheckCommitAndTag(t *testing.T) {
	tr := "tree e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\n"
	who := "A U Thor <a@example.com> 1700000000 +0100\n"
	require.NoError(t, CheckCommit([]byte(tr+"parent e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\nauthor "+who+"committer "+who+"\nmsg\n")))
	require.NoError(t, CheckCommit([]byte(tr+"author "+who+"committer "+who+"gpgsig x\n\nmsg\n")))
	for name, c := range map[string]string{
		"no tree":          "author " + who + "committer " + who + "\n",
		"short tree":       "tree e69d\nauthor " + who + "committer " + who,
		"no committer":     tr + "author " + who + "\n",
		"bad email":        tr + "author A <a@b 1 +0000\ncommitter " + who,
		"zero-padded time": tr + "author A <a@b> 0123 +0000\ncommitter " + who,
		"bad zone":         tr + "author A <a@b> 1 0100\ncommitter " + who,
	} {
		assert.ErrorIs(t, CheckCommit([]byte(c)), ErrBadCommit, name)
	}
	obj := "object e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\n"
	require.NoError(t, CheckTag([]byte(obj+"type commit\ntag v1\ntagger "+who+"\nmsg\n")))
	assert.ErrorIs(t, CheckTag([]byte(obj+"type thing\ntag v1\n")), ErrBadCommit)
	assert.ErrorIs(t, CheckTag([]byte(obj+"type blob\ntag \n")), ErrBadCommit)
}

// FuzzCheckTree: no input panics, and a tree the checker takes has entries
// git would take: names without "/", not .git in any spelling, in order.
func FuzzCheckTree(f *testing.F) {
	f.Add(tree(entry("100644", "a"), entry("40000", "b")))
	f.Add(tree(entry("100644", ".git")))
	f.Add(tree(entry("40000", "a"), entry("100644", "a.b")))
	f.Add([]byte("100644 \x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if CheckTree(data) != nil {
			return
		}
		var prev *Entry
		for rest := data; len(rest) > 0; {
			e, r, err := parseEntry(rest)
			if err != nil {
				t.Fatalf("accepted a tree it cannot parse: %v", err)
			}
			if IsDotGit(e.Name) || e.Name == "" || e.Name == "." || e.Name == ".." {
				t.Fatalf("accepted entry %q", e.Name)
			}
			if prev != nil && checkOrder(*prev, e) != nil {
				t.Fatalf("accepted %q after %q", e.Name, prev.Name)
			}
			prev, rest = &e, r
		}
	})
}
