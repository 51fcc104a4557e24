package receive

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/repostore"
)

// TestRenamingRefs: a ref is replaced by a rename, never rewritten in
// place — a reader that opened the old file reads the old value whole (go-git's
// in-place truncate and write showed it an empty file, and a gitd killed
// between the two left one); a lock file left by a killed gitd is taken
// over; the compare-and-swap refuses a ref that moved and changes nothing.
func TestRenamingRefs(t *testing.T) {
	dir := t.TempDir()
	st := repostore.OpenStorage(dir)
	refs := renamingRefs{ReferenceStorer: st, root: dir}
	name := plumbing.ReferenceName("refs/heads/main")
	a, b := plumbing.NewHash("1111111111111111111111111111111111111111"), plumbing.NewHash("2222222222222222222222222222222222222222")
	require.NoError(t, refs.CheckAndSetReference(plumbing.NewHashReference(name, a), nil))

	path := filepath.Join(dir, "refs", "heads", "main")
	old, err := os.Open(path)
	require.NoError(t, err)
	defer old.Close()
	require.NoError(t, os.WriteFile(path+".lock", []byte("half"), 0o644), "left by a killed gitd")
	require.NoError(t, refs.CheckAndSetReference(plumbing.NewHashReference(name, b), plumbing.NewHashReference(name, a)))
	held, err := io.ReadAll(old)
	require.NoError(t, err)
	assert.Equal(t, a.String()+"\n", string(held), "the file a reader holds keeps the old value")
	ref, err := st.Reference(name)
	require.NoError(t, err)
	assert.Equal(t, b, ref.Hash())
	assert.NoFileExists(t, path+".lock")

	err = refs.CheckAndSetReference(plumbing.NewHashReference(name, a), plumbing.NewHashReference(name, a))
	assert.ErrorIs(t, err, storage.ErrReferenceHasChanged)
	ref, err = st.Reference(name)
	require.NoError(t, err)
	assert.Equal(t, b, ref.Hash(), "a refused swap changes nothing")

	// What the push then reads through it (fixHead) is the refs as a fetch
	// reads them: a lock another killed write left is no branch.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "refs", "heads", "other.lock"), []byte(a.String()+"\n"), 0o644))
	visible, err := visibleRefs(refs)
	require.NoError(t, err)
	require.Len(t, visible, 1)
	assert.Equal(t, name, visible[0].Name())

	require.NoError(t, refs.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, name)))
	head, err := st.Reference(plumbing.HEAD)
	require.NoError(t, err)
	assert.Equal(t, name, head.Target())
}
