package auth

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/hint"
)

func TestIdentify(t *testing.T) {
	w := newWorld(t, 3)
	unknown, _ := testKey(t, "")
	tests := []struct {
		name string
		key  gossh.PublicKey
		want Identity
		code string
	}{
		{"admin", w.aliceK, Identity{User: "alice", Admin: true}, ""},
		{"user", w.bobK, Identity{User: "bob"}, ""},
		{"deploy key", w.deployK, Identity{DeployApp: "bob-bot"}, ""},
		{"unknown", unknown, Identity{}, "UNKNOWN_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := w.a.Identify(tt.key)
			if tt.code != "" {
				assert.Equal(t, tt.code, hint.CodeOf(err))
				return
			}
			require.NoError(t, err)
			tt.want.Fingerprint = Fingerprint(tt.key)
			assert.Equal(t, tt.want, id)
		})
	}
	_, err := w.a.Identify(nil)
	assert.ErrorIs(t, err, ErrUnknownKey)
}

func TestIdentityString(t *testing.T) {
	assert.Equal(t, "alice", Identity{User: "alice", Admin: true}.String())
	assert.Equal(t, "deploy key for my-bot", Identity{DeployApp: "my-bot"}.String())
}

func TestAuthorize(t *testing.T) {
	w := newWorld(t, 3)
	type row struct {
		who  string
		id   Identity
		app  string
		act  Action
		code string // "" means allowed
	}
	tests := []row{
		{"admin reads others' app", w.alice, "bob-bot", Read, ""},
		{"admin manages others' app", w.alice, "dave-bot", Manage, ""},
		{"admin missing app", w.alice, "no-bot", Read, "APP_NOT_FOUND"},
		{"owner reads", w.bob, "bob-bot", Read, ""},
		{"owner pushes", w.bob, "bob-bot", Push, ""},
		{"owner manages", w.bob, "bob-bot", Manage, ""},
		{"collaborator reads", w.carol, "bob-bot", Read, ""},
		{"collaborator pushes", w.carol, "bob-bot", Push, ""},
		{"collaborator may not manage", w.carol, "bob-bot", Manage, "FORBIDDEN"},
		{"stranger reads", w.erin, "bob-bot", Read, "APP_NOT_FOUND"},
		{"stranger pushes", w.erin, "bob-bot", Push, "APP_NOT_FOUND"},
		{"stranger manages", w.erin, "bob-bot", Manage, "APP_NOT_FOUND"},
		{"owner of another app", w.bob, "dave-bot", Read, "APP_NOT_FOUND"},
		{"deploy key pushes its app", w.deploy, "bob-bot", Push, ""},
		{"deploy key may not read its app", w.deploy, "bob-bot", Read, "FORBIDDEN"},
		{"deploy key may not manage its app", w.deploy, "bob-bot", Manage, "FORBIDDEN"},
		{"deploy key on another app", w.deploy, "dave-bot", Push, "APP_NOT_FOUND"},
		{"deploy key on missing app", w.deploy, "no-bot", Push, "APP_NOT_FOUND"},
		{"invalid name", w.alice, "../etc", Read, "INVALID_APP_NAME"},
		{"empty identity", Identity{}, "bob-bot", Read, "UNKNOWN_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			app, err := w.a.Authorize(tt.id, tt.app, tt.act)
			if tt.code == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.app, app.Name)
				return
			}
			assert.Equal(t, tt.code, hint.CodeOf(err), "%v", err)
			assert.Empty(t, app.Name, "a refusal must not hand out the app")
		})
	}
}

// TestInvisibleLooksMissing checks that someone else's app and an app that
// does not exist give byte-identical answers, message and hint.
func TestInvisibleLooksMissing(t *testing.T) {
	w := newWorld(t, 3)
	for _, act := range []Action{Read, Push, Manage} {
		for _, who := range []Identity{w.erin, w.dave, w.deploy} {
			t.Run(who.String()+"/"+act.String(), func(t *testing.T) {
				_, missing := w.a.Authorize(who, "no-such-bot", act)
				other := "bob-bot"
				if who.IsDeployKey() || who.User == "bob" {
					other = "dave-bot"
				}
				_, hidden := w.a.Authorize(who, other, act)
				require.Error(t, missing)
				require.Error(t, hidden)
				assert.Equal(t, missing.Error(), hidden.Error())
				assert.Equal(t, hint.TipOf(missing), hint.TipOf(hidden))
				assert.Equal(t, hint.CodeOf(missing), hint.CodeOf(hidden))
				assert.NotContains(t, hidden.Error(), other)
			})
		}
	}
}

func TestVisibleApps(t *testing.T) {
	w := newWorld(t, 3)
	tests := []struct {
		name string
		id   Identity
		want []string
	}{
		{"admin sees all", w.alice, []string{"bob-bot", "dave-bot"}},
		{"owner", w.bob, []string{"bob-bot"}},
		{"collaborator", w.carol, []string{"bob-bot"}},
		{"stranger", w.erin, nil},
		{"deploy key", w.deploy, []string{"bob-bot"}},
		{"empty identity", Identity{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			apps, err := w.a.VisibleApps(tt.id)
			require.NoError(t, err)
			var names []string
			for _, a := range apps {
				names = append(names, a.Name)
			}
			assert.Equal(t, tt.want, names)
		})
	}
}

func TestRequireAdmin(t *testing.T) {
	assert.NoError(t, RequireAdmin(Identity{User: "alice", Admin: true}))
	assert.ErrorIs(t, RequireAdmin(Identity{User: "bob"}), ErrAdminOnly)
	assert.ErrorIs(t, RequireAdmin(Identity{DeployApp: "x-bot", Admin: true}), ErrAdminOnly)
}
