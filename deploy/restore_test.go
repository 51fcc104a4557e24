package deploy

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/store"
)

// After a restore onto a fresh engine, the current release has neither a
// container nor an image: reconcile makes the image again as the same
// release — an image release is pulled with the app's stored login — and
// runs it. (A built release's rebuild: integration/testdata/ops_backup.txtar.)
func TestReconcileRemakesAMissingImage(t *testing.T) {
	h, p := imageHarness(t)
	_, err := h.deployImage(imageRef, &build.Credentials{Username: "alice", Password: goodPass})
	require.NoError(t, err)
	ctx := context.Background()
	c := h.only(1)
	require.NoError(t, h.rt.Stop(ctx, c.ID, 0))
	require.NoError(t, h.rt.Remove(ctx, c.ID))
	require.NoError(t, h.b.RemoveImage(ctx, pulledImg)) // the engine no longer has it

	h.reconcile()
	reqs := p.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, 1, reqs[1].Release, "the same release, pulled again")
	require.NotNil(t, reqs[1].Auth)
	assert.Equal(t, "alice", reqs[1].Auth.Username)
	spec, ok := h.rt.Spec(h.only(1).ID)
	require.True(t, ok)
	assert.Equal(t, pulledImg, spec.Image)
	assert.Len(t, h.releases(), 1, "no new release")
	assert.Equal(t, store.ReleaseDeployed, h.releases()[0].Status)
}
