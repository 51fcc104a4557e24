package command

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/store"
)

func TestAppsCreate(t *testing.T) {
	w := newWorld(t)
	assert.Equal(t, "created new-bot\npush to it: git push <remote> main\n", w.ok("alice", "", "apps:create", "new-bot"))
	assert.True(t, w.repos.has("new-bot"))
	app, err := w.s.App("new-bot")
	require.NoError(t, err)
	assert.Equal(t, "alice", app.Owner)
}

func TestAppsCreateJSON(t *testing.T) {
	w := newWorld(t)
	got := decode[map[string]any](t, w.ok("carol", "", "apps:create", "--json", "new-bot"))
	assert.Equal(t, []string{"collaborators", "created", "git_url", "name", "owner", "role"}, keysOf(got))
	assert.Equal(t, "new-bot", got["name"])
	assert.Equal(t, "carol", got["owner"])
	assert.Equal(t, "owner", got["role"])
	assert.Equal(t, []any{}, got["collaborators"])
}

func TestAppsCreateWithRemoteURL(t *testing.T) {
	w := newWorld(t)
	w.r.d.RemoteURL = func(app string) string { return "ssh://git@bots.example:2222/" + app }
	assert.Equal(t, "created new-bot\n"+
		"add it as a remote: git remote add bots ssh://git@bots.example:2222/new-bot\n"+
		"then push to it:    git push bots main\n", w.ok("alice", "", "apps:create", "new-bot"))
}

func TestAppsCreateQuota(t *testing.T) {
	w := newWorld(t)
	w.ok("alice", "", "apps:create", "second-bot") // alice-bot + second-bot = quota
	res := w.run("alice", "", "apps:create", "third-bot")
	assert.Equal(t, 1, res.code)
	assert.Equal(t, "error: app quota exceeded: you have 2 of 2 apps\n"+
		"hint: you have 2 of 2 apps; destroy one with `apps:destroy <app> --confirm <app>` "+
		"or ask an admin to raise GITD_MAX_BOTS_PER_USER\n", res.stderr)
	assert.False(t, w.repos.has("third-bot"))

	got := decode[map[string]any](t, w.run("alice", "", "apps:create", "third-bot", "--json").stderr)
	assert.Equal(t, "QUOTA_EXCEEDED", got["code"])

	w.ok("root", "", "apps:create", "admin-1")
	w.ok("root", "", "apps:create", "admin-2")
	w.ok("root", "", "apps:create", "admin-3") // admins have no quota
}

func TestAppsCreateTakenName(t *testing.T) {
	w := newWorld(t)
	res := w.run("alice", "", "apps:create", "carol-bot")
	assert.Equal(t, 1, res.code)
	assert.Equal(t, "error: app \"carol-bot\" already exists\nhint: app names are global; pick another name\n", res.stderr)
}

func TestAppsCreateRollsBackWhenRepoFails(t *testing.T) {
	w := newWorld(t)
	w.repos.createErr = errDisk
	assert.Equal(t, 1, w.run("alice", "", "apps:create", "new-bot").code)
	_, err := w.s.App("new-bot")
	assert.ErrorIs(t, err, store.ErrNotFound, "no record without a repo")

	w.repos.createErr = nil
	w.ok("alice", "", "apps:create", "new-bot") // the name is free again
}

func TestAppsCreateByDeployKey(t *testing.T) {
	w := newWorld(t)
	res := w.run("deploy", "", "apps:create", "new-bot")
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stderr, "error: deploy keys may only deploy\n")
}

func TestAppsDestroyNeedsConfirm(t *testing.T) {
	w := newWorld(t)
	const tip = "hint: to destroy it for good, run: apps:destroy alice-bot --confirm alice-bot\n"
	tests := []struct {
		name  string
		words []string
		msg   string
	}{
		{"no confirm", []string{"apps:destroy", "alice-bot"}, "error: destroying alice-bot needs --confirm alice-bot\n"},
		{"wrong confirm", []string{"apps:destroy", "alice-bot", "--confirm", "carol-bot"},
			"error: --confirm \"carol-bot\" does not match the app alice-bot\n"},
		{"empty confirm", []string{"apps:destroy", "--confirm=", "alice-bot"},
			"error: --confirm \"\" does not match the app alice-bot\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := w.run("alice", "", tt.words...)
			assert.Equal(t, 1, res.code)
			assert.Equal(t, tt.msg+tip, res.stderr)
			assert.True(t, w.repos.has("alice-bot"))
		})
	}
	got := decode[map[string]any](t, w.run("alice", "", "apps:destroy", "alice-bot", "--json").stderr)
	assert.Equal(t, "CONFIRM_REQUIRED", got["code"])
}

func TestAppsDestroy(t *testing.T) {
	w := newWorld(t)
	// flags may come before, between and after the positionals
	assert.Equal(t, "destroyed alice-bot\n", w.ok("alice", "", "apps:destroy", "--confirm", "alice-bot", "alice-bot"))
	assert.False(t, w.repos.has("alice-bot"))
	_, err := w.s.App("alice-bot")
	assert.ErrorIs(t, err, store.ErrNotFound)
	keys, err := w.s.DeployKeysOf("alice-bot")
	require.NoError(t, err)
	assert.Empty(t, keys, "its deploy keys go with it")

	assert.JSONEq(t, `{"name":"carol-bot","destroyed":true}`,
		w.ok("root", "", "apps:destroy", "carol-bot", "--json", "--confirm=carol-bot"), "admins may destroy any app")
}

func TestAppsDestroyKeepsRecordWhenRepoFails(t *testing.T) {
	w := newWorld(t)
	w.repos.deleteErr = errDisk
	assert.Equal(t, 1, w.run("alice", "", "apps:destroy", "alice-bot", "--confirm", "alice-bot").code)
	_, err := w.s.App("alice-bot")
	assert.NoError(t, err, "the record stays so destroy can be retried")
}
