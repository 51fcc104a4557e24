package command

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/store"
)

// TestStatus: the deploy side's status, as text and as the JSON scripts
// read; a server without bots says it runs none.
func TestStatus(t *testing.T) {
	w, fb := worldWithBots(t)
	since := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	fb.status = deploy.Status{State: "crashed", Since: since, Release: 4, Image: "botrunner/alice-bot:v4",
		Reason: "exit code 1", ExitCode: 1, Crashes: 2,
		Limits: runtime.Limits{Memory: 256 << 20, NanoCPUs: 500_000_000, Pids: 100}}
	assert.Equal(t, "app      alice-bot\n"+
		"state    crashed since 2026-12-03T08:00:00Z (exit code 1)\n"+
		"release  v4\n"+
		"image    botrunner/alice-bot:v4\n"+
		"crashes  2 since the last start or deploy\n"+
		"limits   256 MiB memory, 0.5 CPUs, 100 processes\n", w.ok("bob", "", "status", "alice-bot"))
	assert.Equal(t, statusJSON{App: "alice-bot", State: "crashed", Since: "2026-12-03T08:00:00Z", Release: 4,
		Image: "botrunner/alice-bot:v4", Reason: "exit code 1", ExitCode: 1, MemoryMB: 256, CPUs: 0.5, Pids: 100, Crashes: 2},
		decode[statusJSON](t, w.ok("alice", "", "ps", "alice-bot", "--json")))

	res := w.run("carol", "", "status", "alice-bot", "--json")
	assert.Equal(t, auth.ErrAppNotFound.Code, decode[errorJSON](t, res.stderr).Code, "someone else's app")

	git := newWorld(t) // GITD_RUNTIME=none
	assert.Equal(t, statusJSON{App: "alice-bot", State: "stopped", Reason: "this server does not run bots (GITD_RUNTIME=none)"},
		decode[statusJSON](t, git.ok("alice", "", "status", "alice-bot", "--json")))
}

// TestReleases: newest first, the current one marked, a tag or an image
// source shown for the commit, config changes by name only.
func TestReleases(t *testing.T) {
	w := newWorld(t)
	assert.Equal(t, "no releases yet: push to deploy\n", w.ok("alice", "", "releases", "alice-bot"))
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for _, r := range []store.Release{
		{Commit: "0123456789abcdef0123456789abcdef01234567", Strategy: "simple", Pusher: "alice", Status: store.ReleaseDeployed},
		{Commit: "89abcdef0123456789abcdef0123456789abcdef", Tag: "v1.0", Strategy: "dockerfile", Pusher: "bob", Status: store.ReleaseDeployed},
		{Source: "127.0.0.1:5000/echo:v1", Strategy: "image", Pusher: "alice", Status: store.ReleaseFailed},
		{Commit: "89abcdef0123456789abcdef0123456789abcdef", Strategy: "dockerfile", Pusher: "alice",
			ConfigChange: "set DEBUG", Status: store.ReleaseStarted},
	} {
		r.App, r.Created = "alice-bot", at
		rel, err := w.s.AddRelease(r)
		require.NoError(t, err)
		at = at.Add(time.Minute)
		if rel.Number == 2 {
			require.NoError(t, w.s.AcceptRelease("alice-bot", 2))
		}
	}
	assert.Equal(t, ""+
		"   VERSION  CREATED               BY     COMMIT                  STRATEGY    CHANGE     STATUS\n"+
		"   v4       2026-12-03T08:03:00Z  alice  89abcde                 dockerfile  set DEBUG  started\n"+
		"   v3       2026-12-03T08:02:00Z  alice  127.0.0.1:5000/echo:v1  image                  failed\n"+
		"*  v2       2026-12-03T08:01:00Z  bob    89abcde (v1.0)          dockerfile             deployed\n"+
		"   v1       2026-12-03T08:00:00Z  alice  0123456                 simple                 deployed\n",
		w.ok("bob", "", "releases", "alice-bot"))
	list := decode[[]releaseJSON](t, w.ok("alice", "", "releases", "alice-bot", "--json"))
	require.Len(t, list, 4)
	assert.Equal(t, releaseJSON{Version: 2, Created: "2026-12-03T08:01:00Z", By: "bob", Commit: "89abcdef0123456789abcdef0123456789abcdef",
		Tag: "v1.0", Strategy: "dockerfile", Status: "deployed", Current: true}, list[2])
	assert.Equal(t, "127.0.0.1:5000/echo:v1", list[1].Source)
}
