package deploy

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

func TestRollbackRefusals(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	err := h.d.Rollback(context.Background(), h.app(), 0, false, "alice", io.Discard)
	assert.True(t, errors.Is(err, ErrNotDeployed) || errors.Is(err, ErrNoSuchRelease), "nothing deployed: %v", err)

	h.mustDeploy()
	err = h.d.Rollback(context.Background(), h.app(), 1, false, "alice", io.Discard)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrNoSuchRelease))
	assert.Contains(t, err.Error(), "v1 is the current release already")

	err = h.d.Rollback(context.Background(), h.app(), 0, false, "alice", io.Discard)
	assert.True(t, errors.Is(err, ErrNoSuchRelease), "no earlier release: %v", err)
	err = h.d.Rollback(context.Background(), h.app(), 9, false, "alice", io.Discard)
	assert.True(t, errors.Is(err, ErrNoSuchRelease), "no v9: %v", err)
	assert.Len(t, h.releases(), 1, "a refused rollback records no release")
}

// specEnv is the env of the app's one container.
func specEnv(t *testing.T, h *harness) []string {
	t.Helper()
	cs := h.containers()
	require.Len(t, cs, 1)
	spec, ok := h.rt.Spec(cs[0].ID)
	require.True(t, ok)
	return spec.Env
}

// Config stored with --no-restart is what restart, and stop+start, apply:
// as a new release that names the change.
func TestRestartAppliesPendingConfig(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, store.AppSettings{})
	h.mustDeploy()
	_, err := h.st.UpdateConfig(testApp, map[string]string{"DEBUG": "1"}, nil)
	require.NoError(t, err)

	require.NoError(t, h.d.Restart(ctx, h.app(), "alice", io.Discard))
	assert.Contains(t, specEnv(t, h), "DEBUG=1")
	rels := h.releases()
	require.Len(t, rels, 2)
	assert.Equal(t, 2, h.app().Current)
	assert.Equal(t, "set DEBUG", rels[1].ConfigChange)
	assert.Equal(t, rels[0].Image, rels[1].Image, "the same image")

	require.NoError(t, h.d.Restart(ctx, h.app(), "alice", io.Discard))
	assert.Len(t, h.releases(), 2, "nothing pending: a plain restart")

	require.NoError(t, h.d.Stop(ctx, h.app(), "alice", io.Discard))
	_, err = h.st.UpdateConfig(testApp, nil, []string{"DEBUG"})
	require.NoError(t, err)
	require.NoError(t, h.d.Start(ctx, h.app(), "alice", io.Discard))
	assert.NotContains(t, specEnv(t, h), "DEBUG=1")
	rels = h.releases()
	require.Len(t, rels, 3)
	assert.Equal(t, "unset DEBUG", rels[2].ConfigChange)
	assert.Equal(t, 3, h.app().Current)
}

// A rollback names the config vars it changes; --code-only keeps them.
func TestRollbackSaysConfigChange(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, store.AppSettings{})
	h.mustDeploy()
	_, err := h.st.UpdateConfig(testApp, map[string]string{"GREETING": "secret-value"}, nil)
	require.NoError(t, err)
	require.NoError(t, h.d.Restart(ctx, h.app(), "alice", io.Discard)) // v2 runs with GREETING

	var out syncBuffer
	require.NoError(t, h.d.Rollback(ctx, h.app(), 1, true, "alice", &out))
	assert.Contains(t, specEnv(t, h), "GREETING=secret-value", "code only: the config stays")
	rels := h.releases()
	require.Len(t, rels, 3)
	assert.Equal(t, "rollback to v1, code only", rels[2].ConfigChange)
	assert.Equal(t, rels[0].Image, rels[2].Image)

	require.NoError(t, h.d.Rollback(ctx, h.app(), 1, false, "alice", &out))
	assert.NotContains(t, specEnv(t, h), "GREETING=secret-value")
	assert.Contains(t, out.String(), "config goes back to v1's: unset GREETING")
	assert.NotContains(t, out.String(), "secret-value", "names only")
	assert.Equal(t, "rollback to v1; unset GREETING", h.releases()[3].ConfigChange)
	cfg, err := h.st.Config(testApp)
	require.NoError(t, err)
	assert.Empty(t, cfg)
}

// A rollback whose release does not start leaves the stored config as the
// running release has it: nothing pending for the next restart.
func TestFailedRollbackKeepsConfig(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, store.AppSettings{})
	h.mustDeploy()
	_, err := h.st.UpdateConfig(testApp, map[string]string{"GREETING": "hi"}, nil)
	require.NoError(t, err)
	require.NoError(t, h.d.Restart(ctx, h.app(), "alice", io.Discard)) // v2 runs with GREETING
	h.rt.ImageFunc(goodImage, func(s runtime.Spec) fakeruntime.Behaviour {
		if slices.Contains(s.Env, "GREETING=hi") {
			return fakeruntime.Behaviour{}
		}
		return crashing
	})

	require.Error(t, h.d.Rollback(ctx, h.app(), 1, false, "alice", io.Discard))
	cfg, err := h.st.Config(testApp)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"GREETING": "hi"}, cfg)
	assert.Equal(t, 2, h.app().Current)
	require.NoError(t, h.d.Restart(ctx, h.app(), "alice", io.Discard))
	assert.Len(t, h.releases(), 3, "the restart made no release: nothing was pending")
}
