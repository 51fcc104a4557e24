package command

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSettingsDefaultsAndSet(t *testing.T) {
	w := newWorld(t)
	assert.JSONEq(t, `{"app":"alice-bot","deploy_branch":"","tag_deploys":true,"entrypoint":"","start_check":"","stop_grace":"","telegram":"direct","liveness":"","builder":""}`,
		w.ok("alice", "", "settings", "alice-bot", "--json"))

	w.ok("alice", "", "settings:set", "alice-bot", "deploy-branch=prod", "tag-deploys=off",
		"entrypoint=src/run.py", "start-check=10s", "stop-grace=30s")
	w.ok("alice", "", "builder:set", "alice-bot", "dockerfile")
	app, err := w.s.App("alice-bot")
	require.NoError(t, err)
	assert.Equal(t, "prod", app.Settings.DeployBranch)
	assert.False(t, app.Settings.TagDeploys())
	assert.Equal(t, "src/run.py", app.Settings.Entrypoint)
	assert.Equal(t, 10*time.Second, app.Settings.StartCheck)
	assert.Equal(t, 30*time.Second, app.Settings.StopGrace)
	assert.Equal(t, "dockerfile", app.Settings.Builder)

	w.ok("alice", "", "builder:set", "alice-bot", "auto")
	app, err = w.s.App("alice-bot")
	require.NoError(t, err)
	assert.Equal(t, "", app.Settings.Builder)

	// key= puts a setting back to its default; entrypoint=auto too.
	w.ok("alice", "", "settings:set", "alice-bot", "entrypoint=auto", "start-check=", "deploy-branch=", "stop-grace=")
	app, err = w.s.App("alice-bot")
	require.NoError(t, err)
	assert.Equal(t, "", app.Settings.Entrypoint)
	assert.Zero(t, app.Settings.StartCheck)
	assert.Zero(t, app.Settings.StopGrace)
	assert.Equal(t, "", app.Settings.DeployBranch)
}

func TestSettingsRefusesBadInputAllOrNothing(t *testing.T) {
	w := newWorld(t)
	for _, bad := range [][]string{
		{"deploy-branch=a..b"}, {"tag-deploys=maybe"}, {"entrypoint=../x.py"}, {"entrypoint=/etc/x.py"},
		{"start-check=1ms"}, {"stop-grace=1h"}, {"stop-grace=soon"}, {"builder=nix"}, {"colour=blue"}, {"novalue"},
		{"deploy-branch=ok", "start-check=forever"},
	} {
		res := w.run("alice", "", append([]string{"settings:set", "alice-bot"}, bad...)...)
		assert.Equal(t, 1, res.code, "%v", bad)
		assert.Contains(t, res.stderr, "hint: settings are", "%v", bad)
	}
	app, err := w.s.App("alice-bot")
	require.NoError(t, err)
	assert.Equal(t, "", app.Settings.DeployBranch, "a refused call changes nothing")

	res := w.run("bob", "", "settings:set", "alice-bot", "tag-deploys=off")
	assert.Equal(t, 1, res.code, "collaborators may not change settings")
	res = w.run("alice", "", "settings:set", "alice-bot")
	assert.Equal(t, 2, res.code, "at least one key=value")
}

// TestSettingsGatewayNeedsOne: telegram=gateway on a server without the Bot
// API gateway is refused (the bot would get no TELEGRAM_API); going back to
// direct always works, and with a gateway the setting is taken.
func TestSettingsGatewayNeedsOne(t *testing.T) {
	w := newWorld(t)
	res := w.run("alice", "", "settings:set", "alice-bot", "telegram=gateway", "stop-grace=30s")
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stderr, "GITD_TELEGRAM_GATEWAY")
	app, err := w.s.App("alice-bot")
	require.NoError(t, err)
	assert.False(t, app.Settings.Gateway)
	assert.Zero(t, app.Settings.StopGrace, "a refused call changes nothing")

	w.r.d.Gateway = true
	w.ok("alice", "", "settings:set", "alice-bot", "telegram=gateway")
	w.r.d.Gateway = false // the admin turned the gateway off since
	w.ok("alice", "", "settings:set", "alice-bot", "liveness=1m")
	w.ok("alice", "", "settings:set", "alice-bot", "telegram=direct")
	app, err = w.s.App("alice-bot")
	require.NoError(t, err)
	assert.False(t, app.Settings.Gateway)
	assert.Equal(t, time.Minute, app.Settings.Liveness)
}
