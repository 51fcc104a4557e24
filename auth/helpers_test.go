package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/store"
)

// testKey is a fresh ed25519 public key and its authorized_keys line.
func testKey(t *testing.T, comment string) (gossh.PublicKey, string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	pk, err := gossh.NewPublicKey(pub)
	require.NoError(t, err)
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pk)))
	if comment != "" {
		line += " " + comment
	}
	return pk, line
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "gitd.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// world is a small installation: admin alice; bob owns bob-bot (carol
// collaborates, it has a deploy key); dave owns dave-bot.
type world struct {
	s                             *store.Store
	a                             *Authorizer
	alice, bob, carol, dave, erin Identity
	deploy                        Identity
	aliceK, bobK, carolK, deployK gossh.PublicKey
}

func newWorld(t *testing.T, quota int) *world {
	t.Helper()
	s := openStore(t)
	w := &world{s: s, a: New(s, quota)}
	for _, u := range []store.User{{Name: "alice", Admin: true}, {Name: "bob"}, {Name: "carol"}, {Name: "dave"}, {Name: "erin"}} {
		require.NoError(t, s.CreateUser(u))
	}
	require.NoError(t, s.CreateApp(store.App{Name: "bob-bot", Owner: "bob", Collaborators: []string{"carol"}}, 0))
	require.NoError(t, s.CreateApp(store.App{Name: "dave-bot", Owner: "dave"}, 0))
	w.aliceK = w.addKey(t, "alice", "")
	w.bobK = w.addKey(t, "bob", "")
	w.carolK = w.addKey(t, "carol", "")
	w.deployK = w.addKey(t, "", "bob-bot")
	w.alice = Identity{User: "alice", Admin: true}
	w.bob = Identity{User: "bob"}
	w.carol = Identity{User: "carol"}
	w.dave = Identity{User: "dave"}
	w.erin = Identity{User: "erin"}
	w.deploy = Identity{DeployApp: "bob-bot"}
	return w
}

func (w *world) addKey(t *testing.T, user, app string) gossh.PublicKey {
	t.Helper()
	pk, _ := testKey(t, "")
	k := NewKey(pk, "test")
	k.User, k.App = user, app
	require.NoError(t, w.s.AddKey(k))
	return pk
}
