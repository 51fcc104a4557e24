package command

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

const token = "123456789:AAH-secret-value-of-the-bot-x42" // 41 chars

// TestConfigMasksAndReveals: config lists names with masked values;
// config:get masks unless --reveal, which only the owner and admins may
// use — a collaborator is refused with FORBIDDEN and learns no value.
func TestConfigMasksAndReveals(t *testing.T) {
	w := newWorld(t)
	assert.Equal(t, "alice-bot has no config vars; set one with `config:set alice-bot NAME=value`\n",
		w.ok("bob", "", "config", "alice-bot"))
	_, err := w.s.SetConfig("alice-bot", map[string]string{"BOT_TOKEN": token, "DEBUG": "1"}, nil)
	require.NoError(t, err)

	assert.Equal(t, "BOT_TOKEN  ******** (41 chars)\nDEBUG      ******** (1 chars)\n", w.ok("bob", "", "config", "alice-bot"))
	assert.Equal(t, map[string]string{"BOT_TOKEN": "******** (41 chars)", "DEBUG": "******** (1 chars)"},
		decode[map[string]string](t, w.ok("bob", "", "config", "alice-bot", "--json")))
	assert.Equal(t, "******** (41 chars)\n", w.ok("bob", "", "config:get", "alice-bot", "BOT_TOKEN"))
	assert.Equal(t, token+"\n", w.ok("alice", "", "config:get", "alice-bot", "BOT_TOKEN", "--reveal"))
	assert.Equal(t, token+"\n", w.ok("root", "", "config:get", "alice-bot", "BOT_TOKEN", "--reveal"))

	res := w.run("bob", "", "config:get", "alice-bot", "BOT_TOKEN", "--reveal")
	assert.Equal(t, result{code: 1, stderr: "error: only the app's owner (or an admin) may reveal config values\n" +
		"hint: ask the owner, or run without --reveal\n"}, res, "a collaborator may not reveal")
	res = w.run("bob", "", "config:get", "alice-bot", "BOT_TOKEN", "--reveal", "--json")
	assert.Equal(t, auth.ErrForbidden.Code, decode[errorJSON](t, res.stderr).Code)
	res = w.run("deploy", "", "config:get", "alice-bot", "BOT_TOKEN", "--reveal", "--json")
	assert.Equal(t, auth.ErrForbidden.Code, decode[errorJSON](t, res.stderr).Code, "a deploy key may not read config")
	assert.NotContains(t, res.stderr, token)
	assert.True(t, errors.Is(ErrRevealOwner, auth.ErrForbidden))
}

// TestConfigRefusals: a missing var, a bad name and someone else's app
// each get their own answer; someone else's app reads like a missing one.
func TestConfigRefusals(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		who   string
		words []string
		code  string
		msg   string
	}{
		{"alice", []string{"config:get", "alice-bot", "NOPE"}, store.ErrNotFound.Code, "alice-bot has no config var NOPE"},
		{"alice", []string{"config:get", "alice-bot", "bad-name"}, names.ErrInvalidConfigName.Code, ""},
		{"carol", []string{"config", "alice-bot"}, auth.ErrAppNotFound.Code, ""},
		{"carol", []string{"config:get", "alice-bot", "BOT_TOKEN", "--reveal"}, auth.ErrAppNotFound.Code, ""},
	} {
		res := w.run(tc.who, "", append(tc.words, "--json")...)
		e := decode[errorJSON](t, res.stderr)
		assert.Equal(t, tc.code, e.Code, "%v", tc.words)
		assert.NotEmpty(t, e.Hint, "%v", tc.words)
		if tc.msg != "" {
			assert.Equal(t, tc.msg, e.Error)
		}
	}
	other := w.run("carol", "", "config", "alice-bot")
	missing := w.run("carol", "", "config", "zzzzz-bot")
	assert.Equal(t, missing.stderr, strings.ReplaceAll(other.stderr, "alice-bot", "zzzzz-bot"))
}

// TestConfigSetReleases: config:set stores the change and releases it
// through the deploy side; --no-restart only stores it; a release that
// fails puts the previous config back.
func TestConfigSetReleases(t *testing.T) {
	w, fb := worldWithBots(t)
	assert.Equal(t, "-----> alice-bot: releasing set DEBUG\n", w.ok("bob", "", "config:set", "alice-bot", "DEBUG=1"))
	assert.Equal(t, "alice-bot: set LEVEL (applies at the next deploy or restart)\n",
		w.ok("alice", "", "config:set", "alice-bot", "LEVEL=info", "--no-restart"))
	assert.Equal(t, "nothing changed\n", w.ok("alice", "", "config:set", "alice-bot", "DEBUG=1"))
	assert.Equal(t, []string{"alice-bot: set DEBUG by bob"}, fb.reconfigs)

	fb.reconfErr = errors.New("start check: exited with 1")
	res := w.run("alice", "", "config:set", "alice-bot", "DEBUG=2")
	assert.Equal(t, 1, res.code)
	assert.Equal(t, "-----> alice-bot: releasing set DEBUG\nconfig change reverted: the bot did not start with it\n", res.stdout)
	cfg, err := w.s.Config("alice-bot")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"DEBUG": "1", "LEVEL": "info"}, cfg, "the failed change is reverted")

	fb.reconfErr = nil
	assert.Equal(t, "-----> alice-bot: releasing unset DEBUG\n", w.ok("alice", "", "config:unset", "alice-bot", "DEBUG"))
	res = w.run("alice", "", "config:set", "alice-bot", "NOEQUALS")
	assert.Equal(t, 2, res.code)
	assert.Contains(t, res.stderr, "argument 1 is not NAME=value")
}
