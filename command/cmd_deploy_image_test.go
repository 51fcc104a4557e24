package command

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/store"
)

// imageCall is one DeployImage the fake saw.
type imageCall struct {
	app, ref, by string
	creds        *build.Credentials
}

// fakeBots records image deploys and config releases, and answers status
// with status (running v1 when unset); the other actions are not used.
type fakeBots struct {
	Bots
	mu        sync.Mutex
	calls     []imageCall
	err       error
	status    deploy.Status
	reconfigs []string // "app: change by who"
	reconfErr error
}

func (f *fakeBots) DeployImage(_ context.Context, app store.App, ref string, creds *build.Credentials, by string, out io.Writer) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, imageCall{app.Name, ref, by, creds})
	fmt.Fprintf(out, "-----> %s: pulling %s\n", app.Name, ref)
	return f.err
}

func (f *fakeBots) AppStatus(context.Context, store.App) (deploy.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.status.State == "" {
		return deploy.Status{State: "running", Release: 1}, nil
	}
	return f.status, nil
}

func (f *fakeBots) Reconfigure(_ context.Context, app store.App, change, by string, out io.Writer) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reconfigs = append(f.reconfigs, app.Name+": "+change+" by "+by)
	fmt.Fprintf(out, "-----> %s: releasing %s\n", app.Name, change)
	return f.reconfErr
}

func (f *fakeBots) seen() []imageCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]imageCall(nil), f.calls...)
}

func worldWithBots(t *testing.T) (*world, *fakeBots) {
	w := newWorld(t)
	fb := &fakeBots{}
	w.r = NewRouter(Deps{Store: w.s, Auth: auth.New(w.s, quota), Repos: w.repos, Version: "1.2.3", Bots: fb})
	return w, fb
}

const imgRef = "127.0.0.1:5000/echo:v1"

func TestDeployImageCredentials(t *testing.T) {
	w, fb := worldWithBots(t)
	out := w.ok("alice", "  s3cret-token \r\nignored second line\n",
		"deploy:image", "alice-bot", imgRef, "--username", "robot", "--password-stdin")
	assert.Contains(t, out, "pulling "+imgRef)
	w.ok("bob", "", "deploy:image", "alice-bot", imgRef)
	w.ok("root", "", "deploy:image", "alice-bot", imgRef)
	w.ok("deploy", "", "deploy:image", "alice-bot", imgRef) // CI, with the app's deploy key

	calls := fb.seen()
	require.Len(t, calls, 4)
	assert.Equal(t, imageCall{"alice-bot", imgRef, "alice", &build.Credentials{Username: "robot", Password: "s3cret-token"}}, calls[0])
	assert.Nil(t, calls[1].creds, "no flags: no login given")
	assert.Equal(t, "bob", calls[1].by)
	assert.Equal(t, "root", calls[2].by)
	assert.Contains(t, calls[3].by, "deploy key")
	assert.NotContains(t, w.log.String(), "s3cret-token", "the password is never logged")
}

func TestDeployImageRefusals(t *testing.T) {
	w, fb := worldWithBots(t)
	for _, tc := range []struct {
		name, who, stdin string
		words            []string
		code             int
		want             string
	}{
		{"someone else's app", "carol", "pw\n", []string{"alice-bot", imgRef}, 1, "not found"},
		{"missing app", "carol", "pw\n", []string{"nobody-bot", imgRef}, 1, "not found"},
		{"another app's deploy key", "deploy", "", []string{"carol-bot", imgRef}, 1, "not found"},
		{"no ref", "alice", "", []string{"alice-bot"}, 2, "ref"},
		{"username alone", "alice", "pw\n", []string{"alice-bot", imgRef, "--username", "robot"}, 2,
			"--username needs --password-stdin"},
		{"password alone", "alice", "pw\n", []string{"alice-bot", imgRef, "--password-stdin"}, 2,
			"--password-stdin needs --username"},
		{"empty stdin", "alice", "", []string{"alice-bot", imgRef, "--username", "robot", "--password-stdin"}, 1,
			"no password on stdin"},
		{"blank line", "alice", "\n", []string{"alice-bot", imgRef, "--username", "robot", "--password-stdin"}, 1,
			"no password on stdin"},
	} {
		res := w.run(tc.who, tc.stdin, append([]string{"deploy:image"}, tc.words...)...)
		assert.Equal(t, tc.code, res.code, "%s: %s", tc.name, res.stderr)
		assert.Contains(t, res.stderr, tc.want, tc.name)
		assert.Contains(t, res.stderr, "hint:", tc.name)
	}
	assert.Empty(t, fb.seen(), "nothing refused reaches the deploy")
	// Someone else's app looks exactly like a missing one.
	other := w.run("carol", "", "deploy:image", "alice-bot", imgRef)
	missing := w.run("carol", "", "deploy:image", "zzzzz-bot", imgRef)
	assert.Equal(t, missing.stderr, strings.ReplaceAll(other.stderr, "alice-bot", "zzzzz-bot"))
}

func TestDeployImageNeedsARuntime(t *testing.T) {
	w := newWorld(t) // GITD_RUNTIME=none: no Bots
	res := w.run("alice", "", "deploy:image", "alice-bot", imgRef)
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stderr, "image deploys need a runtime")
	res = w.run("carol", "", "deploy:image", "alice-bot", imgRef)
	assert.Contains(t, res.stderr, "not found", "the runtime check comes after the app check")
}

func TestDeployImageErrorAndJSON(t *testing.T) {
	w, fb := worldWithBots(t)
	fb.err = build.ErrRegistryAuth.With("the registry 127.0.0.1:5000 refused the login of \"robot\"; nothing changed", nil)
	res := w.run("alice", "wrong\n", "deploy:image", "alice-bot", imgRef, "--username", "robot", "--password-stdin")
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stderr, "refused the login")
	assert.Contains(t, res.stderr, "--password-stdin")
	assert.NotContains(t, res.stdout+res.stderr, "wrong\n")

	fb.err = nil
	res = w.run("alice", "", "deploy:image", "alice-bot", imgRef, "--json")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stderr, "pulling", "progress goes to stderr with --json")
	got := decode[map[string]any](t, res.stdout)
	assert.Equal(t, "running", got["state"])
}
