package command

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/secrets"
	"github.com/botrunner/botrunner/store"
)

// fakeRepos records what the commands asked of the repository store.
type fakeRepos struct {
	mu        sync.Mutex
	repos     map[string]bool
	createErr error
	deleteErr error
}

func (f *fakeRepos) Create(app string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.createErr != nil {
		return f.createErr
	}
	f.repos[app] = true
	return nil
}

func (f *fakeRepos) Delete(app string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.deleteErr != nil {
		return f.deleteErr
	}
	delete(f.repos, app)
	return nil
}

func (f *fakeRepos) DeleteAfter(_ context.Context, app string, first func() error) error {
	if first != nil {
		if err := first(); err != nil {
			return err
		}
	}
	return f.Delete(app)
}

func (f *fakeRepos) has(app string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.repos[app]
}

var errDisk = errors.New("mkdir /srv/gitd/repos/x: no space left on device")

// quota is the per-user app limit of the test world.
const quota = 2

// world is a small installation: admin root; alice owns alice-bot (bob
// collaborates; it has a deploy key); carol owns carol-bot.
type world struct {
	t     *testing.T
	s     *store.Store
	repos *fakeRepos
	r     *Router
	ids   map[string]auth.Identity // by user name, plus "deploy" for alice-bot's deploy key
	log   *bytes.Buffer            // what the router logged
}

func newWorld(t *testing.T) *world {
	t.Helper()
	box, err := secrets.New(make([]byte, secrets.KeySize))
	require.NoError(t, err)
	s, err := store.OpenWithBox(filepath.Join(t.TempDir(), "gitd.db"), box)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	w := &world{t: t, s: s, repos: &fakeRepos{repos: map[string]bool{}}, ids: map[string]auth.Identity{}, log: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(w.log, nil))
	w.r = NewRouter(Deps{Store: s, Auth: auth.New(s, quota), Repos: w.repos, Version: "1.2.3", Log: log})
	w.user("root", true)
	for _, name := range []string{"alice", "bob", "carol"} {
		w.user(name, false)
	}
	w.app("alice-bot", "alice", "bob")
	w.app("carol-bot", "carol")
	k, _ := newKey(t, "ci")
	k.App = "alice-bot"
	require.NoError(t, s.AddKey(k))
	w.ids["deploy"] = auth.Identity{DeployApp: "alice-bot", Fingerprint: k.Fingerprint}
	return w
}

// user adds a user with one key and makes its identity known to run.
func (w *world) user(name string, admin bool) {
	w.t.Helper()
	k, _ := newKey(w.t, name+"@laptop")
	require.NoError(w.t, w.s.CreateUserWithKeys(store.User{Name: name, Admin: admin}, []store.Key{k}))
	w.ids[name] = auth.Identity{User: name, Admin: admin, Fingerprint: k.Fingerprint}
}

func (w *world) app(name, owner string, collaborators ...string) {
	w.t.Helper()
	require.NoError(w.t, w.s.CreateApp(store.App{Name: name, Owner: owner, Collaborators: collaborators}, 0))
	w.repos.repos[name] = true
}

// newKey returns a fresh ed25519 key record (no User or App yet) and its
// authorized_keys line.
func newKey(t *testing.T, comment string) (store.Key, string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	pk, err := gossh.NewPublicKey(pub)
	require.NoError(t, err)
	k := auth.NewKey(pk, comment)
	return k, k.AuthorizedKey
}

// result is what one command printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the command line words as who, with stdin.
func (w *world) run(who, stdin string, words ...string) result {
	w.t.Helper()
	id, ok := w.ids[who]
	require.True(w.t, ok, "unknown identity %q", who)
	var out, errOut bytes.Buffer
	code := w.r.Run(Env{
		Identity: id, Command: words[0], Args: words[1:],
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
	})
	return result{code, out.String(), errOut.String()}
}

// ok runs a command that must succeed and returns its stdout.
func (w *world) ok(who, stdin string, words ...string) string {
	w.t.Helper()
	res := w.run(who, stdin, words...)
	require.Equal(w.t, 0, res.code, "stderr: %s", res.stderr)
	require.Empty(w.t, res.stderr)
	return res.stdout
}

// decode parses JSON output into v.
func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(s), &v), "output: %s", s)
	return v
}

// keysOf returns the sorted field names of a JSON object.
func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
