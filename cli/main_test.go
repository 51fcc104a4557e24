package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/shellwords"
	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

func TestMain(m *testing.M) {
	os.Unsetenv("BOTCTL_REMOTE") // the user's own must not steer the tests
	code := m.Run()
	if dir, err := fakesDir(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// fakesDir builds the tests' stand-ins for ssh (testdata/fakessh, and
// testdata/fakegitd with a real receive-pack) once per run, into a temp dir
// it returns. Small programs start in milliseconds; the race-built test
// binary standing in, as it once did, took over a second each of the
// dozens of times.
var fakesDir = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "botctl-fakes-")
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./testdata/fakessh", "./testdata/fakegitd")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("build the fake ssh and gitd: %v: %s", err, out)
	}
	return dir, nil
})

// fake is the path of the built stand-in called name.
func fake(t *testing.T, name string) string {
	t.Helper()
	ci.NeedTools(t, "go")
	dir, err := fakesDir()
	require.NoError(t, err)
	return filepath.Join(dir, name)
}

type result struct {
	code   int
	argv   []string // what the fake ssh got after the ssh words; nil if it did not run
	stdin  string   // what the fake ssh read on stdin
	stderr string
}

// botctl runs Main in dir with the fake ssh and stdin, and reads the fake's report.
func botctl(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	sys := System{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Dir: dir, Version: "botctl test",
		Getenv: envOf(map[string]string{"BOTCTL_SSH": shellwords.Quote(fake(t, "fakessh")) + " fake-ssh"})}
	res := result{code: Main(context.Background(), args, sys), stderr: errb.String()}
	if line, rest, ok := strings.Cut(out.String(), "\n"); ok && strings.HasPrefix(line, "[") {
		var argv []string
		require.NoError(t, json.Unmarshal([]byte(line), &argv))
		res.argv, res.stdin = argv[1:], rest // argv[0] is "fake-ssh"
	} else {
		res.stdin = out.String()
	}
	return res
}

func TestForward(t *testing.T) {
	repo := newRepo(t, map[string]string{"bots": "ssh://git@127.0.0.1:2222/my-bot"})
	pre := []string{"-T", "-p", "2222", "git@127.0.0.1", "--"}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"apps:info"}, []string{"apps:info", "my-bot"}},
		{[]string{"apps:info", "other"}, []string{"apps:info", "other"}},
		{[]string{"apps:info", "-a", "other"}, []string{"apps:info", "other"}},
		{[]string{"--json", "apps"}, []string{"apps", "--json"}},
		{[]string{"--json", "access:add", "bob"}, []string{"access:add", "--json", "my-bot", "bob"}},
		{[]string{"deploy-keys:remove", "SHA256:x"}, []string{"deploy-keys:remove", "my-bot", "SHA256:x"}},
		{[]string{"list"}, []string{"apps"}},
		{[]string{"apps:create"}, []string{"apps:create", "my-bot"}},
		{[]string{"apps:destroy", "--confirm", "my-bot"}, []string{"apps:destroy", "my-bot", "--confirm", "my-bot"}},
		{[]string{"apps:destroy", "x", "--confirm", "y"}, []string{"apps:destroy", "x", "--confirm", "y"}},
		{[]string{"access:add", "bob"}, []string{"access:add", "my-bot", "bob"}},
		{[]string{"access:add", "x", "bob"}, []string{"access:add", "x", "bob"}},
		{[]string{"access:remove", "-a", "x", "bob"}, []string{"access:remove", "x", "bob"}},
		{[]string{"deploy-keys"}, []string{"deploy-keys", "my-bot"}},
		{[]string{"keys:remove", "SHA256:ab+c/d"}, []string{"keys:remove", "SHA256:ab+c/d"}},
		{[]string{"users:remove", "bob"}, []string{"users:remove", "bob"}},
		{[]string{"whoami"}, []string{"whoami"}},
		{[]string{"config:set", "DEBUG"}, []string{"config:set", "my-bot", "DEBUG"}},
		{[]string{"config:set", "DEBUG", "--no-restart"}, []string{"config:set", "my-bot", "DEBUG", "--no-restart"}},
		{[]string{"config:set", "A=1"}, []string{"config:set", "my-bot", "A=1"}},
		{[]string{"config:set", "x", "A=1"}, []string{"config:set", "x", "A=1"}},
		{[]string{"config:unset", "A"}, []string{"config:unset", "my-bot", "A"}},
		{[]string{"rollback", "v1", "--code-only"}, []string{"rollback", "my-bot", "v1", "--code-only"}},
		{[]string{"rollback", "x", "v2"}, []string{"rollback", "x", "v2"}},
		{[]string{"version"}, []string{"version"}},
		{[]string{"help"}, []string{"help"}},
		{[]string{"run", "--", "config:set", "my-bot", "MSG=it's ok", "-n"}, []string{"config:set", "my-bot", `'MSG=it'\''s ok'`, "-n"}},
		{[]string{"run", "logs", "-f"}, []string{"logs", "-f"}},
		{[]string{"run", "--with-app", "--", "logs", "-f"}, []string{"logs", "my-bot", "-f"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			res := botctl(t, repo, "", tt.args...)
			require.Equal(t, 0, res.code, res.stderr)
			assert.Equal(t, append(append([]string{}, pre...), tt.want...), res.argv)
			assert.Equal(t, "from server\n", res.stderr)
		})
	}
}

func TestForwardRemoteFlag(t *testing.T) {
	repo := newRepo(t, map[string]string{"bots": "ssh://git@127.0.0.1:2222/my-bot", "old": "old-host:old-bot"})
	res := botctl(t, repo, "", "--remote", "bots:x", "apps:info")
	assert.Equal(t, []string{"-T", "bots", "--", "apps:info", "x"}, res.argv)
	res = botctl(t, repo, "", "--remote", "old", "apps:info")
	assert.Equal(t, []string{"-T", "old-host", "--", "apps:info", "old-bot"}, res.argv)
	t.Setenv("BOTCTL_REMOTE", "ssh://[::1]:2200/env-bot")
	res = botctl(t, t.TempDir(), "", "apps:info")
	assert.Equal(t, []string{"-T", "-p", "2200", "::1", "--", "apps:info", "env-bot"}, res.argv)
}

func TestForwardStdin(t *testing.T) {
	repo := newRepo(t, map[string]string{"bots": "bots:my-bot"})
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake me@laptop\n"
	res := botctl(t, repo, key, "keys:add")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, []string{"-T", "bots", "--", "keys:add"}, res.argv)
	assert.Equal(t, key, res.stdin)

	file := filepath.Join(t.TempDir(), "id.pub")
	require.NoError(t, os.WriteFile(file, []byte("from file\n"), 0o600))
	res = botctl(t, repo, "not this", "users:add", "bob", "--admin", "--key-file", file)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, []string{"-T", "bots", "--", "users:add", "bob", "--admin"}, res.argv)
	assert.Equal(t, "from file\n", res.stdin)

	res = botctl(t, repo, key, "deploy-keys:add")
	assert.Equal(t, []string{"-T", "bots", "--", "deploy-keys:add", "my-bot"}, res.argv)
	assert.Equal(t, key, res.stdin)
}

func TestForwardExitStatus(t *testing.T) {
	repo := newRepo(t, map[string]string{"bots": "bots:my-bot"})
	for exit, want := range map[string]int{"0": 0, "1": 1, "3": 3, "255": 255, "kill": 128 + 9} {
		t.Run(exit, func(t *testing.T) {
			t.Setenv("FAKE_SSH_EXIT", exit)
			res := botctl(t, repo, "", "apps:info")
			assert.Equal(t, want, res.code)
			assert.Equal(t, "from server\n", res.stderr, "botctl adds nothing to the server's error")
		})
	}
}

func TestLocalErrors(t *testing.T) {
	repo := newRepo(t, map[string]string{"bots": "ssh://host"})
	outside := t.TempDir()
	tests := []struct {
		name, dir string
		args      []string
		code      int
		stderr    string
	}{
		{"no repo", outside, []string{"apps"}, 1, "botctl: no remote: not inside a git repository\n" +
			"hint: run inside a repo with a `bots` remote, or pass --remote ssh://git@HOST:PORT/APP\n"},
		{"no app", repo, []string{"apps:info"}, 1, "botctl: no app given\nhint: name it"},
		{"two apps", repo, []string{"apps:info", "a", "-a", "b"}, 1, `botctl: two different apps given: "a" and -a "b"`},
		{"no confirm", repo, []string{"apps:destroy", "x"}, 2, "botctl: missing flags: --confirm=APP\nhint: see `botctl apps:destroy --help`\n"},
		{"no user", repo, []string{"access:add"}, 2, "botctl: expected 1 or 2 arguments, got 0\nhint: see `botctl access:add --help`\n"},
		{"unknown command", repo, []string{"bogus"}, 2, "botctl: unexpected argument bogus"},
		{"app flag where none fits", repo, []string{"keys", "-a", "x"}, 2, "botctl: unknown flag -a"},
		{"bad key file", repo, []string{"keys:add", "-k", "/nonexistent/k.pub"}, 1, "botctl: cannot read key file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := botctl(t, tt.dir, "", tt.args...)
			assert.Equal(t, tt.code, res.code)
			assert.Nil(t, res.argv, "ssh must not run")
			assert.True(t, strings.HasPrefix(res.stderr, tt.stderr), "stderr: %q", res.stderr)
		})
	}
}

func TestSSHNotFound(t *testing.T) {
	var errb bytes.Buffer
	sys := System{Stdout: io.Discard, Stderr: &errb, Dir: t.TempDir(),
		Getenv: envOf(map[string]string{"BOTCTL_SSH": "/nonexistent/ssh"})}
	code := Main(context.Background(), []string{"--remote", "bots:x", "apps"}, sys)
	assert.Equal(t, 1, code)
	assert.Contains(t, errb.String(), "botctl: ssh client \"/nonexistent/ssh\" not found\nhint: install the OpenSSH client")
}

func TestVersionAndHelp(t *testing.T) {
	res := botctl(t, t.TempDir(), "", "--version")
	assert.Equal(t, 0, res.code)
	assert.Equal(t, "botctl test\n", res.stdin)

	res = botctl(t, t.TempDir(), "")
	assert.Equal(t, 0, res.code)
	assert.Contains(t, res.stdin, "Usage: botctl <command>")
}
