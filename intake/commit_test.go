package intake

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCommit(t *testing.T) {
	tr, err := FromArchive(context.Background(), bytes.NewReader(tgz(t, file("bot.py", "x"))), testLimits)
	require.NoError(t, err)
	when := time.Unix(1700000000, 0).UTC()
	parent := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
	for _, tt := range []struct {
		who, email string
		parent     plumbing.Hash
	}{
		{"alice", "alice@botrunner", parent},
		{"deploy key for my-bot", "deploy-key-for-my-bot@botrunner", plumbing.ZeroHash},
		{"", "botrunner", plumbing.ZeroHash},
	} {
		h, err := tr.Commit(tt.parent, tt.who, "deploy:archive by "+tt.who, when)
		require.NoError(t, err)
		c, err := object.GetCommit(tr.Objects, h)
		require.NoError(t, err)
		assert.Equal(t, tr.Hash, c.TreeHash)
		assert.Equal(t, "deploy:archive by "+tt.who+"\n", c.Message)
		assert.Equal(t, tt.who, c.Author.Name)
		assert.Equal(t, tt.email, c.Author.Email)
		assert.Equal(t, c.Author, c.Committer)
		if tt.parent.IsZero() {
			assert.Empty(t, c.ParentHashes)
		} else {
			assert.Equal(t, []plumbing.Hash{tt.parent}, c.ParentHashes)
		}
	}
}
