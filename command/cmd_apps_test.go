package command

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/names"
)

// created matches the timestamps the commands print.
var created = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

func TestAppsList(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		who  string
		want [][2]string // name, role
	}{
		{"alice", [][2]string{{"alice-bot", "owner"}}},
		{"bob", [][2]string{{"alice-bot", "collaborator"}}},
		{"carol", [][2]string{{"carol-bot", "owner"}}},
		{"root", [][2]string{{"alice-bot", "admin"}, {"carol-bot", "admin"}}},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			list := decode[[]map[string]any](t, w.ok(tt.who, "", "apps", "--json"))
			require.Len(t, list, len(tt.want))
			for i, a := range list {
				assert.Equal(t, tt.want[i][0], a["name"])
				assert.Equal(t, tt.want[i][1], a["role"])
			}
		})
	}
}

func TestAppsListText(t *testing.T) {
	w := newWorld(t)
	out := created.ReplaceAllString(w.ok("root", "", "apps"), "T")
	assert.Equal(t, "NAME       OWNER  ROLE   CREATED\n"+
		"alice-bot  alice  admin  T\n"+
		"carol-bot  carol  admin  T\n", out)
}

func TestAppsListEmpty(t *testing.T) {
	w := newWorld(t)
	w.user("dave", false)
	assert.Equal(t, "[]\n", w.ok("dave", "", "apps", "--json"), "an empty list is [], not null")
	assert.Equal(t, "no apps yet; create one with `apps:create <app>` or by pushing to a new name\n", w.ok("dave", "", "apps"))
}

func TestAppJSONShape(t *testing.T) {
	w := newWorld(t)
	got := decode[map[string]any](t, w.ok("alice", "", "apps:info", "alice-bot", "--json"))
	assert.Equal(t, []string{"collaborators", "created", "git_url", "name", "owner", "role"}, keysOf(got))
	assert.Equal(t, []any{"bob"}, got["collaborators"])
	assert.Regexp(t, created, got["created"])

	got = decode[map[string]any](t, w.ok("carol", "", "apps:info", "carol-bot", "--json"))
	assert.Equal(t, []any{}, got["collaborators"], "an empty list is [], not null")
}

func TestAppsInfoText(t *testing.T) {
	w := newWorld(t)
	out := created.ReplaceAllString(w.ok("bob", "", "apps:info", "alice-bot"), "T")
	assert.Equal(t, "name           alice-bot\nowner          alice\nyour role      collaborator\n"+
		"created        T\ncollaborators  bob\n", out)
}

func TestAppsInfoShowsRemoteURL(t *testing.T) {
	w := newWorld(t)
	w.r.d.RemoteURL = func(app string) string { return "ssh://git@bots.example:2222/" + app }
	got := decode[map[string]any](t, w.ok("alice", "", "apps:info", "alice-bot", "--json"))
	assert.Equal(t, "ssh://git@bots.example:2222/alice-bot", got["git_url"])
	assert.Contains(t, w.ok("alice", "", "apps:info", "alice-bot"), "\ngit url        ssh://git@bots.example:2222/alice-bot\n")
}

// TestInvisibleAppLooksMissing is the rule that another user's app must be
// indistinguishable from one that does not exist, for every app command.
func TestInvisibleAppLooksMissing(t *testing.T) {
	w := newWorld(t)
	const want = "error: app not found\nhint: run `apps` to list the apps you can use\n"
	commands := [][]string{
		{"apps:info", "%s"},
		{"apps:destroy", "%s", "--confirm", "%s"},
		{"apps:destroy", "%s"},
		{"access:add", "%s", "bob"},
		{"access:remove", "%s", "bob"},
		{"deploy-keys", "%s"},
		{"deploy-keys:add", "%s"},
		{"deploy-keys:remove", "%s", "SHA256:x"},
	}
	for _, words := range commands {
		for _, json := range []bool{false, true} {
			other := w.run("bob", "", fill(words, "carol-bot", json)...)
			missing := w.run("bob", "", fill(words, "nope-bot", json)...)
			assert.Equal(t, missing, other, "%v", words)
			assert.Equal(t, 1, other.code)
			if !json {
				assert.Equal(t, want, other.stderr, "%v", words)
			}
		}
	}
	assert.True(t, w.repos.has("carol-bot"))
}

func fill(words []string, app string, json bool) []string {
	out := make([]string, 0, len(words)+1)
	for _, w := range words {
		if w == "%s" {
			w = app
		}
		out = append(out, w)
	}
	if json {
		out = append(out, "--json")
	}
	return out
}

func TestCollaboratorMayNotManage(t *testing.T) {
	w := newWorld(t)
	res := w.run("bob", "", "apps:destroy", "alice-bot", "--confirm", "alice-bot")
	assert.Equal(t, 1, res.code)
	assert.Equal(t, "error: only the owner can do that\nhint: ask the app's owner or an admin\n", res.stderr)
	assert.True(t, w.repos.has("alice-bot"))
}

func TestInvalidAppName(t *testing.T) {
	w := newWorld(t)
	res := w.run("alice", "", "apps:create", "My_Bot")
	assert.Equal(t, 1, res.code)
	assert.Equal(t, "error: invalid app name \"My_Bot\"\nhint: "+names.ErrInvalidApp.Tip+"\n", res.stderr)
}
