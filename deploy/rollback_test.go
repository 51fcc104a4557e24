package deploy

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

const crashImage = "sha256:crash"

// crashing is a release that dies during the start check, as a bot without
// its token does.
var crashing = fakeruntime.Behaviour{ExitAfter: 30 * time.Millisecond, ExitCode: 3,
	Logs: []string{"Traceback (most recent call last):", "KeyError: 'BOT_TOKEN'"}}

// assertRolledBack checks that oldID runs again, alone, and that release 2
// was recorded failed with Current left at 1.
func assertRolledBack(t *testing.T, h *harness, oldID string) {
	t.Helper()
	cs := h.containers()
	require.Len(t, cs, 1, "only the previous release is left")
	assert.Equal(t, oldID, cs[0].ID, "the same container is started again")
	assert.True(t, cs[0].Running)
	assert.Equal(t, "1", cs[0].Labels[runtime.LabelRelease])
	assert.Equal(t, 1, h.app().Current)
	rels := h.releases()
	require.Len(t, rels, 2)
	assert.Equal(t, store.ReleaseDeployed, rels[0].Status)
	assert.Equal(t, store.ReleaseFailed, rels[1].Status)
	assert.Equal(t, []string{"botrunner/echo-bot:v2"}, h.b.removedImages(), "the failed image is removed")
	assert.Empty(t, h.d.PhaseOf(testApp))
}

func TestRunStartCheckFailsRollsBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	oldID := h.mustDeploy()
	h.b.images[2] = crashImage
	h.rt.Image(crashImage, crashing)

	out, err := h.run(context.Background(), "refs/heads/main")
	require.Error(t, err)
	assert.Equal(t, "START_FAILED", hint.CodeOf(err))
	assert.Contains(t, err.Error(), "exited with code 3")
	assert.Contains(t, out, "-----> starting v2 … exited with code 3\n")
	assert.Contains(t, out, "-----> last log lines:\n")
	assert.Contains(t, out, "       Traceback (most recent call last):\n")
	assert.Contains(t, out, "       KeyError: 'BOT_TOKEN'\n")
	assert.Contains(t, out, "-----> starting v1 again\n")
	assert.NotContains(t, out, "is running")

	assertRolledBack(t, h, oldID)
	assert.Contains(t, h.releases()[1].Reason, "exited with code 3")
	assert.Equal(t, crashImage, h.releases()[1].Image, "the failed release keeps its image for the record")
	stop, restart := h.rec.index("stop", oldID), -1
	for i, c := range h.rec.calls {
		if c == (call{"start", oldID}) {
			restart = i // the last start of the old one
		}
	}
	assert.Less(t, stop, restart)
}

func TestRunFirstDeployFailsStartCheck(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.b.images[1] = crashImage
	h.rt.Image(crashImage, crashing)

	out, err := h.run(context.Background(), "refs/heads/main")
	require.Error(t, err)
	assert.Equal(t, "START_FAILED", hint.CodeOf(err))
	assert.Contains(t, out, "KeyError: 'BOT_TOKEN'")
	assert.NotContains(t, out, "again", "there is nothing to go back to")
	assert.Empty(t, h.containers(), "nothing of the app is left running or existing")
	assert.Zero(t, h.app().Current)
	rels := h.releases()
	require.Len(t, rels, 1)
	assert.Equal(t, store.ReleaseFailed, rels[0].Status)
	assert.Equal(t, []string{"botrunner/echo-bot:v1"}, h.b.removedImages())
}

// TestRunCancelledDuringStartCheck: a pusher who disconnects while the new
// release is on trial gets the old one back.
func TestRunCancelledDuringStartCheck(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	oldID := h.mustDeploy()
	h.d.cfg.StartCheck = 10 * time.Second // only the cancel may end it

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.rec.onStart = func(id string) {
		if id != oldID {
			cancel()
		}
	}
	began := time.Now()
	out, err := h.run(ctx, "refs/heads/main")
	require.Error(t, err)
	assert.Less(t, time.Since(began), 5*time.Second, "the cancel ends the start check")
	assert.Equal(t, "DEPLOY_FAILED", hint.CodeOf(err), "got %v", err)
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
	assert.Contains(t, out, "-----> starting v2 … cancelled\n")
	assert.Contains(t, out, "-----> starting v1 again\n")
	assertRolledBack(t, h, oldID)
}

// TestRunWaitFailureIsNotAnExit: a wait that fails (the engine went away)
// is a deploy failure, not "exited with code -1".
func TestRunWaitFailureIsNotAnExit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	oldID := h.mustDeploy()
	boom := errors.New("engine connection reset")
	h.rt.Fail("wait", boom)

	out, err := h.run(context.Background(), "refs/heads/main")
	require.Error(t, err)
	assert.Equal(t, "DEPLOY_FAILED", hint.CodeOf(err), "got %v", err)
	assert.ErrorIs(t, err, boom)
	assert.NotContains(t, out, "code -1")
	assertRolledBack(t, h, oldID)
}

func TestRunCreateFailureRollsBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	oldID := h.mustDeploy()
	h.b.images[2] = "sha256:unknown-to-the-engine"

	out, err := h.run(context.Background(), "refs/heads/main")
	require.Error(t, err)
	assert.Equal(t, "DEPLOY_FAILED", hint.CodeOf(err))
	assert.ErrorIs(t, err, runtime.ErrImageNotFound)
	assert.Contains(t, out, "-----> starting v1 again\n")
	assertRolledBack(t, h, oldID)
}

// TestRunAppStartCheckSetting: the app's start check wins over the server's.
func TestRunAppStartCheckSetting(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{StartCheck: 300 * time.Millisecond})
	out, err := h.run(context.Background(), "refs/heads/main")
	require.NoError(t, err)
	assert.Contains(t, out, "up for 300ms: running")
}
