package server

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"
)

// requireCleanError checks a refused session: a non-zero status, an error
// with a hint on stderr, and no Go panic anywhere.
func requireCleanError(t *testing.T, r result, want string) {
	t.Helper()
	assert.NotZero(t, r.code, r.String())
	assert.Contains(t, r.stderr, "error: ", r.String())
	assert.Contains(t, r.stderr, "hint: ", r.String())
	assert.Contains(t, r.stderr, want, r.String())
	assert.NotContains(t, r.stderr+r.stdout, "panic", r.String())
}

func TestHostileRepoPaths(t *testing.T) {
	h := newHarness(t)
	// One real app, so that there is something to damage.
	h.gitOK(h.admin, h.workRepo(h.admin, "my-bot"), "push", "-q", "bots", "main")
	before := snapshot(t, h.data)

	for _, tc := range []struct{ name, command, want string }{
		{"dot-dot", "git-receive-pack '../x'", "invalid app name"},
		{"dot-dot app", "git-receive-pack '../my-bot'", "invalid app name"},
		{"dash", "git-receive-pack '-x'", "invalid app name"},
		{"shell", "git-receive-pack 'a; id'", "invalid app name"},
		{"shell unquoted", "git-receive-pack a;id", "invalid app name"},
		{"upper case", "git-receive-pack 'MY-BOT'", "invalid app name"},
		{"long", "git-receive-pack '" + strings.Repeat("a", 200) + "'", "invalid app name"},
		{"absolute", "git-receive-pack '/etc/passwd'", "invalid app name"},
		{"upload dot-dot", "git-upload-pack '../my-bot.git'", "invalid app name"},
		{"no path", "git-receive-pack", "exactly one repository path"},
		{"two paths", "git-receive-pack 'a-bot' 'b-bot'", "exactly one repository path"},
		{"unterminated quote", "git-receive-pack 'my-bot", "error: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := h.withT(t)
			requireCleanError(t, h.sshCmd(h.admin, "", tc.command), tc.want)
		})
	}
	assert.Equal(t, before, snapshot(t, h.data), "the data dir changed")
}

func TestPTYRefusedForGit(t *testing.T) {
	h := newHarness(t)
	before := snapshot(t, h.data)

	r := h.sshCmd(h.admin, "", "git-receive-pack '/my-bot'", "-tt")
	assert.NotZero(t, r.code, r.String())
	// Over a terminal, stdout and stderr may be merged; the message is on one.
	assert.Contains(t, r.stderr+r.stdout, "git does not run over a terminal", r.String())
	assert.Equal(t, before, snapshot(t, h.data), "the data dir changed")
}

func TestEnvRequestsIgnored(t *testing.T) {
	h := newHarness(t)
	for _, env := range []string{"GIT_PROTOCOL=version=2", "FOO=bar"} {
		t.Run(env, func(t *testing.T) {
			h := h.withT(t)
			app := "env-" + strings.ToLower(strings.SplitN(env, "=", 2)[0][:3]) + "-bot"
			dir := h.workRepo(h.admin, app)
			cmd := h.command(h.admin, dir, "git", "push", "bots", "main")
			cmd.Env = h.env(h.admin, "-o", "SetEnv="+env)
			r := h.run(cmd, "")
			require.Zero(t, r.code, r.String())
			assert.Equal(t, h.gitOK(h.admin, dir, "rev-parse", "HEAD"), h.remoteRef(h.admin, app, "refs/heads/main"))

			// And over plain ssh, for a command.
			w := h.sshCmd(h.admin, "", "whoami", "-o", "SetEnv="+env)
			require.Zero(t, w.code, w.String())
			assert.Contains(t, w.stdout, "admin")
		})
	}
}

func TestOtherUsersAppIsInvisible(t *testing.T) {
	h := newHarness(t)
	bob := newClientKey(t, h.home, "bob")
	add := h.sshCmd(h.admin, bob.line+"\n", "users:add bob")
	require.Zero(t, add.code, add.String())
	dir := h.workRepo(h.admin, "admin-bot")
	h.gitOK(h.admin, dir, "push", "-q", "bots", "main")
	tip := h.remoteRef(h.admin, "admin-bot", "refs/heads/main")
	before := snapshot(t, h.data)

	apps := h.sshCmd(bob, "", "apps")
	require.Zero(t, apps.code, apps.String())
	assert.NotContains(t, apps.stdout, "admin-bot")
	assert.Contains(t, apps.stdout, "no apps yet")
	requireCleanError(t, h.sshCmd(bob, "", "apps:info admin-bot"), "app not found")

	// Pushing to it is "not found" and changes nothing.
	bobDir := h.workRepo(bob, "admin-bot")
	push := h.git(bob, bobDir, "push", "bots", "main")
	assert.NotZero(t, push.code, push.String())
	assert.Contains(t, push.stderr, "error: app not found")
	assert.Equal(t, tip, h.remoteRef(h.admin, "admin-bot", "refs/heads/main"))

	// Cloning it fails exactly like cloning an app that does not exist.
	cloneTheirs := h.git(bob, t.TempDir(), "clone", h.remote("admin-bot"), "out")
	cloneMissing := h.git(bob, t.TempDir(), "clone", h.remote("missing-bot"), "out")
	assert.NotZero(t, cloneTheirs.code, cloneTheirs.String())
	assert.Contains(t, cloneTheirs.stderr, "error: app not found")
	assert.Equal(t, cloneMissing.code, cloneTheirs.code)
	assert.Equal(t, cloneMissing.stderr, cloneTheirs.stderr)

	// Raw upload-pack: byte-identical answers.
	theirs := h.sshCmd(bob, "", "git-upload-pack '/admin-bot'")
	missing := h.sshCmd(bob, "", "git-upload-pack '/missing-bot'")
	requireCleanError(t, theirs, "app not found")
	assert.Equal(t, missing.code, theirs.code)
	assert.Equal(t, missing.stdout, theirs.stdout)
	assert.Equal(t, []byte(missing.stderr), []byte(theirs.stderr))

	assert.Equal(t, before, snapshot(t, h.data), "the data dir changed")
}

// CVE-2024-45337: a key the client offered but never proved must not be the
// identity of the session that another key then opened. OpenSSH does just
// that with a passphrase-protected key it cannot unlock: it asks whether the
// server would take the key (admin's: yes), fails to sign, and goes on with
// the next key (bob's).
func TestUnprovenKeyIsNotTrusted(t *testing.T) {
	h := newHarness(t)
	bob := newClientKey(t, h.home, "bob")
	require.Zero(t, h.sshCmd(h.admin, bob.line+"\n", "users:add bob").code)
	locked := h.admin
	locked.path = filepath.Join(h.home, "id_admin_locked")
	writeLockedKey(t, h.admin.path, locked.path)

	r := h.sshCmd(locked, "", "whoami", "-i", bob.path, "-v")
	require.Zero(t, r.code, r.String())
	require.Contains(t, r.stderr, "Server accepts key: "+locked.path, "ssh did not offer the unprovable key first")
	assert.Contains(t, r.stdout, "bob")
	assert.NotContains(t, r.stdout, "admin")
}

// writeLockedKey writes the private key at from to to, encrypted with a
// passphrase no one will type, and its public half beside it.
func writeLockedKey(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	priv, err := gossh.ParseRawPrivateKey(b)
	require.NoError(t, err)
	block, err := gossh.MarshalPrivateKeyWithPassphrase(priv, "locked", []byte("no one knows this"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, pem.EncodeToMemory(block), 0o600))
	signer, err := gossh.NewSignerFromKey(priv)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to+".pub", gossh.MarshalAuthorizedKey(signer.PublicKey()), 0o644))
}
