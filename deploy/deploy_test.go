package deploy

import (
	"context"
	"errors"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

func TestRunFirstDeploy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	out, err := h.run(context.Background(), "refs/heads/main")
	require.NoError(t, err, out)

	rels := h.releases()
	require.Len(t, rels, 1)
	r := rels[0]
	assert.Equal(t, 1, r.Number)
	assert.Equal(t, store.ReleaseDeployed, r.Status)
	assert.Equal(t, h.head.String(), r.Commit)
	assert.Equal(t, "refs/heads/main", r.Ref)
	assert.Empty(t, r.Tag)
	assert.Equal(t, "simple", r.Strategy)
	assert.Equal(t, testOwner, r.Pusher)
	assert.Equal(t, goodImage, r.Image)
	assert.Equal(t, "botrunner/echo-bot:v1", r.ImageTag)
	assert.Equal(t, 1, h.app().Current)

	assert.Contains(t, out, "-----> echo-bot: building v1 (simple: bot.py)\n")
	assert.Contains(t, out, "Step 1/3 : FROM python:3.11-slim\n", "build output reaches the pusher")
	assert.Regexp(t, `-----> starting v1 … up for 200ms: running\n`, out)
	assert.Regexp(t, `-----> echo-bot v1 is running \(image sha256:good, [0-9.]+ s\)\n`, out)
	assert.NotContains(t, out, "stopping", "nothing ran before")

	require.Len(t, h.b.builds, 1)
	req := h.b.builds[0]
	assert.Equal(t, build.Request{App: testApp, Owner: testOwner, Release: 1, Dir: req.Dir}, req)
	assert.True(t, h.b.sawBotPy[0], "the build sees the checked-out tree")
	assert.NoDirExists(t, req.Dir, "the checkout is removed after the deploy")

	cs := h.containers()
	require.Len(t, cs, 1)
	assert.True(t, cs[0].Running)
	spec, ok := h.rt.Spec(cs[0].ID)
	require.True(t, ok)
	assert.Equal(t, "botrunner-echo-bot-v1", spec.Name)
	assert.Equal(t, goodImage, spec.Image)
	assert.Equal(t, map[string]string{runtime.LabelApp: testApp, runtime.LabelOwner: testOwner,
		runtime.LabelRelease: "1"}, spec.Labels)
	assert.Equal(t, "10001:10001", spec.User)
	assert.Equal(t, h.cfg.Limits, spec.Limits)
	assert.Equal(t, "test_bots", spec.Network)
	assert.Equal(t, []string{"GITD_BOT=1", "TZ=UTC"}, spec.Env)
	assert.Empty(t, h.b.removedImages())
	assert.Empty(t, h.d.PhaseOf(testApp), "the phase ends with the deploy")
}

func TestRunTagDeploy(t *testing.T) {
	t.Parallel()
	for _, annotated := range []bool{false, true} {
		h := newHarness(t, store.AppSettings{})
		commit := h.head
		if annotated { // what `git tag -a` pushes: a tag object
			h.head = h.tagObject("v1.0", commit)
		}
		out, err := h.run(context.Background(), "refs/tags/v1.0")
		require.NoError(t, err, out)
		rels := h.releases()
		require.Len(t, rels, 1)
		assert.Equal(t, "v1.0", rels[0].Tag)
		assert.Equal(t, "refs/tags/v1.0", rels[0].Ref)
		assert.Equal(t, commit.String(), rels[0].Commit, "annotated %v: the release records the commit", annotated)
		assert.Equal(t, store.ReleaseDeployed, rels[0].Status)
		assert.True(t, h.b.sawBotPy[0])
	}
}

// TestRunSecondDeploySwapsStopFirst: two copies of a polling bot must never
// run at once, so the old container is stopped before the new one exists.
func TestRunSecondDeploySwapsStopFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	oldID := h.mustDeploy()
	h.b.images[2] = "sha256:second"
	h.rt.Image("sha256:second", fakeruntime.Behaviour{})

	out, err := h.run(context.Background(), "refs/heads/main")
	require.NoError(t, err, out)

	cs := h.containers()
	require.Len(t, cs, 1, "exactly one container at the end")
	newID := cs[0].ID
	assert.NotEqual(t, oldID, newID)
	assert.True(t, cs[0].Running)
	assert.Equal(t, "2", cs[0].Labels[runtime.LabelRelease])
	assert.Equal(t, "sha256:second", cs[0].Image)
	_, err = h.rt.Inspect(context.Background(), oldID)
	assert.ErrorIs(t, err, runtime.ErrNotFound, "the old container is removed")

	stop, create, start := h.rec.index("stop", oldID), h.rec.index("create", newID), h.rec.index("start", newID)
	remove := h.rec.index("remove", oldID)
	require.True(t, stop >= 0 && create >= 0 && start >= 0 && remove >= 0, "calls %v", h.rec.calls)
	assert.Less(t, stop, create, "the old one is stopped before the new one is created")
	assert.Less(t, create, start)
	assert.Less(t, start, remove, "the old one is removed only after the new one passed")

	assert.Contains(t, out, "-----> stopping v1 (SIGTERM, 50ms grace)\n")
	assert.Contains(t, out, "-----> echo-bot: building v2 (simple: bot.py)\n")
	assert.Contains(t, out, "-----> echo-bot v2 is running (image sha256:second")
	assert.Equal(t, 2, h.app().Current)
	rels := h.releases()
	require.Len(t, rels, 2)
	assert.Equal(t, store.ReleaseDeployed, rels[1].Status)
}

func TestRunBuildFailure(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	oldID := h.mustDeploy()
	calls := len(h.rec.calls)
	full := "build failed: step 2/3: pip install: No matching distribution found for aiogram==99"
	h.b.buildErr = &hint.Error{Code: "BUILD_FAILED", Msg: full, Tip: "fix requirements.txt"}

	out, err := h.run(context.Background(), "refs/heads/main")
	require.Error(t, err)
	he := hint.Of(err)
	require.NotNil(t, he)
	assert.Equal(t, "BUILD_FAILED", he.Code)
	assert.Equal(t, "build failed", he.Msg, "the short reason git prints on the ng line")
	assert.Equal(t, "fix requirements.txt", he.Tip)
	assert.ErrorIs(t, err, h.b.buildErr, "the cause stays in the chain")
	assert.Contains(t, out, "Step 2/3 : COPY . /app\n")
	assert.Contains(t, out, full+"\n", "the full reason reaches the pusher")

	rels := h.releases()
	require.Len(t, rels, 2)
	assert.Equal(t, store.ReleaseFailed, rels[1].Status)
	assert.Equal(t, "build failed", rels[1].Reason)
	assert.Equal(t, 1, h.app().Current)

	assert.Len(t, h.rec.calls, calls, "no container is touched")
	cs := h.containers()
	require.Len(t, cs, 1)
	assert.Equal(t, oldID, cs[0].ID)
	assert.True(t, cs[0].Running)
	assert.Empty(t, h.b.removedImages())
	assert.Empty(t, h.d.PhaseOf(testApp))
}

// TestRunOtherBuildErrorsPassThrough: only BUILD_FAILED is shortened; a
// timeout or a bad entrypoint keeps its own message.
func TestRunOtherBuildErrorsPassThrough(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.b.buildErr = &hint.Error{Code: "BUILD_TIMEOUT", Msg: "build timed out after 15m"}
	_, err := h.run(context.Background(), "refs/heads/main")
	assert.Equal(t, "BUILD_TIMEOUT", hint.CodeOf(err))
	assert.EqualError(t, err, "build timed out after 15m")
	rels := h.releases()
	require.Len(t, rels, 1)
	assert.Equal(t, store.ReleaseFailed, rels[0].Status)
	assert.Empty(t, h.containers())
}

func TestRunDetectFailure(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	noStrategy := &hint.Error{Code: "NO_BUILD_STRATEGY", Msg: "nothing to build: no Dockerfile, Procfile or bot.py"}
	h.b.detectErr = noStrategy
	out, err := h.run(context.Background(), "refs/heads/main")
	require.Error(t, err)
	assert.True(t, errors.Is(err, noStrategy), "got %v", err)
	assert.Empty(t, h.releases(), "no release without a strategy")
	assert.Zero(t, h.b.buildCount())
	assert.Empty(t, h.containers())
	assert.NotContains(t, out, "building v")
	assert.Empty(t, h.d.PhaseOf(testApp))
}

func TestRunUnsafeTreeIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.head = h.commit(entry{"bot.py", filemode.Symlink, "/etc/passwd"})
	_, err := h.run(context.Background(), "refs/heads/main")
	assert.ErrorIs(t, err, ErrUnsafeTree)
	assert.Empty(t, h.releases())
	assert.Zero(t, h.b.buildCount())
}
