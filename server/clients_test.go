package server

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"
)

// result is what a client process (or session) did.
type result struct {
	code   int
	stdout string
	stderr string
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// clientTimeout bounds every client run, so a hang fails instead of
// stalling the suite.
const clientTimeout = 60 * time.Second

// sshArgs are the OpenSSH options of every test client: only this key, no
// host key checks, no prompts, no chatter.
func sshArgs(key clientKey, extra ...string) []string {
	args := []string{"-i", key.path, "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes"}
	return append(args, extra...)
}

// env is the environment of the git and ssh we run: our own HOME, no
// system config, a fixed author, and ssh with the given key.
func (h *harness) env(key clientKey, sshExtra ...string) []string {
	quoted := []string{"ssh"}
	for _, a := range sshArgs(key, sshExtra...) {
		quoted = append(quoted, shellQuote(a)) // git runs GIT_SSH_COMMAND through sh
	}
	return append(os.Environ(),
		"HOME="+h.home, "XDG_CONFIG_HOME="+filepath.Join(h.home, ".config"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_TERMINAL_PROMPT=0", "GIT_SSH_COMMAND="+strings.Join(quoted, " "))
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// sshCmd runs the real ssh client with key against the server.
func (h *harness) sshCmd(key clientKey, stdin string, remote string, opts ...string) result {
	h.t.Helper()
	args := append(sshArgs(key, opts...), "-p", h.port, "git@127.0.0.1", remote)
	return h.run(h.command(key, "", "ssh", args...), stdin)
}

// git runs the real git in dir as the holder of key.
func (h *harness) git(key clientKey, dir string, args ...string) result {
	h.t.Helper()
	return h.run(h.command(key, dir, "git", args...), "")
}

// gitOK runs git and requires it to succeed; it returns stdout, trimmed.
func (h *harness) gitOK(key clientKey, dir string, args ...string) string {
	h.t.Helper()
	r := h.git(key, dir, args...)
	require.Zero(h.t, r.code, "git %s\n%s", strings.Join(args, " "), r)
	return strings.TrimSpace(r.stdout)
}

// command builds a client process in its own process group, so a test can
// kill git together with the ssh it started.
func (h *harness) command(key clientKey, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if dir == "" {
		cmd.Dir = h.home // not the test's cwd, which may be inside a git repo
	}
	cmd.Env = h.env(key)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

func (h *harness) run(cmd *exec.Cmd, stdin string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errb
	require.NoError(h.t, cmd.Start())
	timer := time.AfterFunc(clientTimeout, func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	err := cmd.Wait()
	timer.Stop()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		h.t.Fatalf("%s: %v", cmd.Path, err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// workRepo makes a local repo with one commit on main and the app's URL as
// remote "bots"; it returns its dir.
func (h *harness) workRepo(key clientKey, app string) string {
	h.t.Helper()
	dir := h.t.TempDir()
	h.gitOK(key, dir, "init", "-q", "-b", "main")
	h.commit(key, dir, "bot.py", "print('hello')\n")
	h.gitOK(key, dir, "remote", "add", "bots", h.remote(app))
	return dir
}

// commit writes a file and commits it; it returns the new commit's id.
func (h *harness) commit(key clientKey, dir, name, content string) string {
	h.t.Helper()
	require.NoError(h.t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	h.gitOK(key, dir, "add", name)
	h.gitOK(key, dir, "commit", "-q", "-m", "change "+name)
	return h.gitOK(key, dir, "rev-parse", "HEAD")
}

// remoteRef is what `git ls-remote` says the app's ref is ("" if none).
func (h *harness) remoteRef(key clientKey, app, ref string) string {
	h.t.Helper()
	out := h.gitOK(key, "", "ls-remote", h.remote(app), ref)
	id, _, _ := strings.Cut(out, "\t")
	return id
}

// dial opens a Go SSH client connection as the holder of key.
func (h *harness) dial(key clientKey) (*gossh.Client, error) {
	return gossh.Dial("tcp", h.addr, &gossh.ClientConfig{
		User: "git", Auth: []gossh.AuthMethod{gossh.PublicKeys(key.signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
}

// goSSH runs one command through the Go SSH client.
func (h *harness) goSSH(key clientKey, command string) (result, error) {
	c, err := h.dial(key)
	if err != nil {
		return result{}, err
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		return result{}, err
	}
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	err = sess.Run(command)
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *gossh.ExitError
	if errors.As(err, &ee) {
		r.code, err = ee.ExitStatus(), nil
	}
	return r, err
}

// packOf makes a pack (not thin) of the objects reachable from tip and not
// from base, with git pack-objects.
func (h *harness) packOf(dir, tip, base string) []byte {
	h.t.Helper()
	revs := tip + "\n"
	if base != "" {
		revs += "^" + base + "\n"
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "pack-objects", "--stdout", "--revs", "-q")
	cmd.Dir, cmd.Env = dir, h.env(h.admin)
	cmd.Stdin = strings.NewReader(revs)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	pack, err := cmd.Output()
	require.NoError(h.t, err, errb.String())
	return pack
}
