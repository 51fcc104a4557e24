package receive

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/stretchr/testify/require"
)

// The direct reader of a repository's refs sees what go-git sees: packed
// refs, loose refs over packed ones, nested names, and no symbolic ref,
// lock file, symlink or ref outside refs/heads and refs/tags.
func TestReadRefsDirMatchesGoGit(t *testing.T) {
	g := newGitServer(t)
	w := g.work()
	first := g.commit(w, "a.txt", "a\n")
	second := g.commit(w, "b.txt", "b\n")
	g.git(w, "branch", "feature/deep/one", first)
	g.git(w, "tag", "light", first)
	g.git(w, "tag", "-a", "-m", "annotated", "annot", first)
	g.git(w, "branch", "old", first)
	g.git(w, "push", "-q", "origin", "main", "feature/deep/one", "old", "light", "annot")
	repo := g.repoDir()
	g.git(repo, "pack-refs", "--all")
	// After packing: a loose value over a packed one, a loose-only ref, and
	// files that are no refs.
	g.git(repo, "update-ref", "refs/heads/old", second)
	g.git(repo, "update-ref", "refs/tags/loose-only", second)
	g.git(repo, "update-ref", "refs/notes/commits", second)
	g.git(repo, "symbolic-ref", "refs/heads/sym", "refs/heads/main")
	require.NoError(t, os.WriteFile(filepath.Join(repo, "refs/heads/main.lock"), []byte(second+"\n"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(repo, "refs/heads/old"), filepath.Join(repo, "refs/heads/link")))

	got, err := readRefsDir(repo)
	require.NoError(t, err)
	st := openStorage(repo)
	mem := memory.NewStorage() // visibleRefs's generic path, fed what go-git reads
	it, err := st.IterReferences()
	require.NoError(t, err)
	require.NoError(t, it.ForEach(func(r *plumbing.Reference) error {
		switch r.Name() {
		case "refs/heads/link", "refs/heads/main.lock":
			// go-git follows the symlink (gitd never makes one) and takes
			// a lock file for a ref (git does not: no ref name ends in .lock).
			return nil
		}
		return mem.SetReference(r)
	}))
	want, err := visibleRefs(mem)
	require.NoError(t, err)
	fast, err := visibleRefs(st)
	require.NoError(t, err)
	require.Equal(t, refStrings(want), refStrings(fast))
	require.ElementsMatch(t, refStrings(want), refStrings(got))
	require.Contains(t, refStrings(got), second+" refs/heads/old")
	require.Len(t, got, 6) // main, feature/deep/one, old, light, annot, loose-only
}

func refStrings(refs []*plumbing.Reference) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Hash().String() + " " + r.Name().String()
	}
	return out
}

// A fetch reads refs without the app's lock: refs deleted and made again
// meanwhile (a push's branch delete) never hide the refs beside them.
func TestReadRefsDirWhileRefsGo(t *testing.T) {
	root := t.TempDir()
	heads := filepath.Join(root, "refs", "heads")
	require.NoError(t, os.MkdirAll(heads, 0o755))
	const h = "0123456789012345678901234567890123456789"
	stable := []string{"a", "c", "e", "g"}
	for _, n := range stable {
		require.NoError(t, os.WriteFile(filepath.Join(heads, n), []byte(h+"\n"), 0o644))
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // b, d and f come and go
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			p := filepath.Join(heads, []string{"b", "d", "f"}[i%3])
			_ = os.WriteFile(p, []byte(h+"\n"), 0o644)
			_ = os.Remove(p)
		}
	}()
	defer func() { close(stop); <-done }()
	for i := 0; i < 500; i++ {
		refs, err := readRefsDir(root)
		require.NoError(t, err)
		got := map[string]bool{}
		for _, r := range refs {
			got[r.Name().Short()] = true
		}
		for _, n := range stable {
			require.True(t, got[n], "read %d: %s missing from %v", i, n, got)
		}
	}
}
