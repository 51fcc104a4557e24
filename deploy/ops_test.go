package deploy

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/store"
)

// running returns the IDs of the app's running containers.
func (h *harness) running() []string {
	var ids []string
	for _, c := range h.containers() {
		if c.Running {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// TestStopStartRestart: stop keeps the container but not running and
// records who stopped it; start runs the current release again in a new
// container, once; restart replaces the running container; none of them
// makes a release.
func TestStopStartRestart(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, store.AppSettings{})
	first := h.mustDeploy()

	var out strings.Builder
	require.NoError(t, h.d.Stop(ctx, h.app(), "alice", &out))
	assert.Equal(t, "-----> stopping echo-bot v1 (SIGTERM, 50ms grace)\n", out.String())
	assert.Empty(t, h.running())
	require.Len(t, h.containers(), 1, "stop keeps the container")
	assert.Equal(t, first, h.containers()[0].ID)
	assert.Equal(t, "alice", h.app().Stopped, "the stop is recorded: no crash restarts, none at gitd's start")

	out.Reset()
	require.NoError(t, h.d.Stop(ctx, h.app(), "alice", &out))
	assert.Equal(t, "-----> echo-bot was not running\n", out.String())

	out.Reset()
	require.NoError(t, h.d.Start(ctx, h.app(), "bob", &out))
	assert.Regexp(t, `^-----> starting v1 … up for 200ms: running\n-----> echo-bot v1 is running \([0-9.]+ s\)\n$`, out.String())
	started := h.running()
	require.Len(t, started, 1)
	assert.NotEqual(t, first, started[0], "a new container from the release's image")
	assert.Equal(t, "", h.app().Stopped)

	out.Reset()
	require.NoError(t, h.d.Start(ctx, h.app(), "bob", &out))
	assert.Equal(t, "-----> echo-bot v1 is already running\n", out.String())
	assert.Equal(t, started, h.running())

	require.NoError(t, h.d.Restart(ctx, h.app(), "bob", &out))
	restarted := h.running()
	require.Len(t, restarted, 1)
	assert.NotEqual(t, started[0], restarted[0], "restart replaces the container")
	assert.Equal(t, 1, h.app().Current)
	assert.Len(t, h.releases(), 1, "stop, start and restart make no release")
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// TestActionsBeforeTheFirstRelease: start and restart need a release
// (NOT_DEPLOYED); stop has nothing to stop; a config change waits for the
// first deploy. Nothing is recorded or created.
func TestActionsBeforeTheFirstRelease(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, store.AppSettings{})
	assert.ErrorIs(t, h.d.Start(ctx, h.app(), "alice", &strings.Builder{}), ErrNotDeployed)
	assert.ErrorIs(t, h.d.Restart(ctx, h.app(), "alice", &strings.Builder{}), ErrNotDeployed)
	var out strings.Builder
	require.NoError(t, h.d.Stop(ctx, h.app(), "alice", &out))
	assert.Equal(t, "-----> echo-bot was not running\n", out.String())
	out.Reset()
	require.NoError(t, h.d.Reconfigure(ctx, h.app(), "set DEBUG", "alice", &out))
	assert.Equal(t, "-----> echo-bot has no release yet: the config applies from its first deploy\n", out.String())
	assert.Empty(t, h.releases())
	assert.Empty(t, h.containers())
}

// TestReconfigure: a config change is a new release of the same image
// with the new env, current once it runs; the old container is gone.
func TestReconfigure(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, store.AppSettings{})
	first := h.mustDeploy()
	_, err := h.st.UpdateConfig(testApp, map[string]string{"DEBUG": "1"}, nil)
	require.NoError(t, err)
	var out strings.Builder
	require.NoError(t, h.d.Reconfigure(ctx, h.app(), "set DEBUG", "bob", &out))
	assert.Equal(t, "-----> echo-bot: releasing v2 (set DEBUG)", firstLine(out.String()))
	rels := h.releases()
	require.Len(t, rels, 2)
	assert.Equal(t, store.Release{App: testApp, Number: 2, Commit: rels[0].Commit, Ref: rels[0].Ref, Image: rels[0].Image,
		ImageTag: rels[0].ImageTag, Strategy: rels[0].Strategy, Pusher: "bob", Created: rels[1].Created,
		Status: store.ReleaseDeployed, Config: map[string]string{"DEBUG": "1"}, ConfigChange: "set DEBUG"}, rels[1])
	assert.Equal(t, 2, h.app().Current)
	ids := h.running()
	require.Len(t, ids, 1)
	assert.NotEqual(t, first, ids[0])
	assert.Len(t, h.containers(), 1, "the old release's container is removed once the new one is accepted")
	assert.Contains(t, specEnv(t, h), "DEBUG=1")
}

// TestLogsKeepEachReleasesLines: the collector files each container's
// lines under its release, once each, across a config release that
// replaces the container.
func TestLogsKeepEachReleasesLines(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	logs := withLogs(t, h)
	id := h.mustDeploy()
	require.NoError(t, h.rt.Emit(id, "one"))
	waitLines(t, logs, "bot started", "one")
	require.NoError(t, h.d.Reconfigure(context.Background(), h.app(), "set DEBUG", "alice", &strings.Builder{}))
	ids := h.running()
	require.Len(t, ids, 1)
	require.NoError(t, h.rt.Emit(ids[0], "two"))
	waitLines(t, logs, "bot started", "one", "bot started", "two")
	lines, err := logs.Tail(testApp, logstore.Query{})
	require.NoError(t, err)
	var got []string
	for _, l := range lines {
		if l.Stream != logstore.StreamGitd {
			got = append(got, fmt.Sprintf("v%d %s %s", l.Release, l.Stream, l.Text))
		}
	}
	assert.Equal(t, []string{"v1 stdout bot started", "v1 stdout one", "v2 stdout bot started", "v2 stdout two"}, got)
}
