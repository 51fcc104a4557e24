package hooks

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/store"
)

func TestRollbackRefusals(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	err := h.d.Rollback(context.Background(), h.app(), 0, "alice", io.Discard)
	assert.True(t, errors.Is(err, ErrNotDeployed) || errors.Is(err, ErrNoSuchRelease), "nothing deployed: %v", err)

	h.mustDeploy()
	err = h.d.Rollback(context.Background(), h.app(), 1, "alice", io.Discard)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrNoSuchRelease))
	assert.Contains(t, err.Error(), "v1 is the current release already")

	err = h.d.Rollback(context.Background(), h.app(), 0, "alice", io.Discard)
	assert.True(t, errors.Is(err, ErrNoSuchRelease), "no earlier release: %v", err)
	err = h.d.Rollback(context.Background(), h.app(), 9, "alice", io.Discard)
	assert.True(t, errors.Is(err, ErrNoSuchRelease), "no v9: %v", err)
	assert.Len(t, h.releases(), 1, "a refused rollback records no release")
}
