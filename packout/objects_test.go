package packout

import (
	"io"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

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
