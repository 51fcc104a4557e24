package deploy

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/store"
)

// reconcile runs the start-up reconcile over the harness's app.
func (h *harness) reconcile() {
	h.t.Helper()
	require.NoError(h.t, h.d.Reconcile(context.Background(), []store.App{h.app()}))
}

// only asserts the app has exactly one container, running release n, and
// returns it.
func (h *harness) only(n int) runtime.State {
	h.t.Helper()
	cs := h.containers()
	require.Len(h.t, cs, 1)
	assert.Equal(h.t, strconv.Itoa(n), cs[0].Labels[runtime.LabelRelease])
	assert.True(h.t, cs[0].Running)
	return cs[0]
}

// Killed after the new release passed its start check, before the push
// was stored: the ref is at v1, so v1 runs again — its own container.
func TestReconcileReleaseStartedNotAccepted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	v1 := h.mustDeploy()
	h.pushUncommitted() // gitd "dies" here: Committed never comes

	h.reconcile()
	assert.Equal(t, v1, h.only(1).ID)
	r := h.releases()[1]
	assert.Equal(t, store.ReleaseFailed, r.Status)
	assert.Equal(t, "gitd stopped before the push was stored", r.Reason)
	assert.Equal(t, 1, h.app().Current)
	assert.Contains(t, h.b.removedImages(), "botrunner/echo-bot:v2", "a never-accepted image goes")
}

// Killed after the old container stopped, before the new one was made.
func TestReconcileOldStoppedNewNotMade(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	v1 := h.mustDeploy()
	require.NoError(t, h.rt.Stop(context.Background(), v1, 0))
	_, err := h.st.AddRelease(store.Release{App: testApp, Status: store.ReleaseStarted,
		Image: goodImage, ImageTag: "botrunner/echo-bot:v2"})
	require.NoError(t, err)

	h.reconcile()
	assert.Equal(t, v1, h.only(1).ID, "the stopped current release is started again")
	assert.Equal(t, store.ReleaseFailed, h.releases()[1].Status)
}

// Killed during a build: the release is failed, the checkout dir and the
// context tar go, the running bot is left alone.
func TestReconcileBuildCutShort(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	v1 := h.mustDeploy()
	_, err := h.st.AddRelease(store.Release{App: testApp, Status: store.ReleaseBuilding})
	require.NoError(t, err)
	checkout := filepath.Join(h.cfg.TmpDir, checkoutPrefix+"123")
	require.NoError(t, os.MkdirAll(filepath.Join(checkout, "src"), 0o700))
	tar := filepath.Join(h.cfg.TmpDir, "botrunner-context-456.tar")
	require.NoError(t, os.WriteFile(tar, []byte("x"), 0o600))
	keep := filepath.Join(h.cfg.TmpDir, "not-ours")
	require.NoError(t, os.WriteFile(keep, []byte("x"), 0o600))

	h.reconcile()
	assert.Equal(t, v1, h.only(1).ID)
	r := h.releases()[1]
	assert.Equal(t, store.ReleaseFailed, r.Status)
	assert.Equal(t, "gitd stopped during the build", r.Reason)
	assert.Equal(t, []string{"botrunner/echo-bot:v2"}, h.b.removedImages(), "the tag the build may have made")
	assert.NoDirExists(t, checkout)
	assert.NoFileExists(t, tar)
	assert.FileExists(t, keep)
}

// A release that reuses an older release's image (a config change) does
// not take that image with it.
func TestReconcileKeepsAReusedImage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.mustDeploy()
	_, err := h.st.AddRelease(store.Release{App: testApp, Status: store.ReleaseStarted,
		Image: goodImage, ImageTag: "botrunner/echo-bot:v1"})
	require.NoError(t, err)
	h.reconcile()
	assert.Empty(t, h.b.removedImages())
	h.only(1)
}

// A bot its user stopped stays stopped; its container stays for `start`.
func TestReconcileKeepsAStoppedAppStopped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	v1 := h.mustDeploy()
	require.NoError(t, h.d.Stop(context.Background(), h.app(), "alice", &syncBuffer{}))
	h.reconcile()
	cs := h.containers()
	require.Len(t, cs, 1)
	assert.Equal(t, v1, cs[0].ID)
	assert.False(t, cs[0].Running)
}

// The current release's container is gone (removed by hand): a new one
// runs from the release's image.
func TestReconcileStartsAMissingCurrent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	v1 := h.mustDeploy()
	require.NoError(t, h.rt.Stop(context.Background(), v1, 0))
	require.NoError(t, h.rt.Remove(context.Background(), v1))
	h.reconcile()
	c := h.only(1)
	assert.NotEqual(t, v1, c.ID)
	spec, ok := h.rt.Spec(c.ID)
	require.True(t, ok)
	assert.Equal(t, goodImage, spec.Image)
}

// Containers of apps this gitd does not have go; another gitd's
// containers on the same engine (another instance label) stay.
func TestReconcileOrphansOfThisInstanceOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.sopt.Instance = "me"
	h.remake(h.rec)
	v1 := h.mustDeploy()
	ctx := context.Background()
	mk := func(app, instance string, n int) string {
		l := runtime.Labels(app, testOwner, n)
		l[runtime.LabelInstance] = instance
		id, err := h.rt.Create(ctx, runtime.Spec{Image: goodImage, User: "10001:10001", Labels: l})
		require.NoError(t, err)
		require.NoError(t, h.rt.Start(ctx, id))
		return id
	}
	gone, theirs, theirApp := mk("gone-bot", "me", 1), mk("gone-bot", "other", 1), mk(testApp, "other", 7)
	stale := mk(testApp, "me", 9)

	h.reconcile()
	for _, id := range []string{gone, stale} {
		_, err := h.rt.Inspect(ctx, id)
		assert.ErrorIs(t, err, runtime.ErrNotFound)
	}
	for _, id := range []string{theirs, theirApp, v1} {
		st, err := h.rt.Inspect(ctx, id)
		require.NoError(t, err)
		assert.True(t, st.Running)
	}
}

// Killed after the ref moved, before the release was accepted: the
// repository has the push, so the new release is accepted and runs.
func TestReconcileAcceptsAStoredPush(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.mustDeploy()
	h.pushUncommitted()
	h.heads["refs/heads/main"] = h.head // receive moved the ref; then gitd died

	h.reconcile()
	c := h.only(2)
	assert.Equal(t, 2, h.app().Current)
	assert.Equal(t, store.ReleaseDeployed, h.releases()[1].Status)
	assert.Equal(t, "2", c.Labels[runtime.LabelRelease])
	assert.NotContains(t, h.b.removedImages(), "botrunner/echo-bot:v2")
}
