package main

// The git client side of every mode: work trees with a fixed identity,
// pushes over ssh, refs read back.

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// gitRepo runs git in one work tree with a fixed identity and no user or
// system config, so the objects are the same on every machine.
type gitRepo struct{ dir string }

func (g *gitRepo) cmd(date int, args ...string) *exec.Cmd {
	c := exec.Command("git", args...)
	c.Dir = g.dir
	when := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(date) * time.Hour).Format(time.RFC3339)
	c.Env = append(gitEnv(),
		"GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.invalid", "GIT_AUTHOR_DATE="+when,
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.invalid", "GIT_COMMITTER_DATE="+when)
	return c
}

// gitEnv is the environment of every git the benchmark runs as a client.
func gitEnv() []string {
	return append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "LC_ALL=C")
}

func (g *gitRepo) run(args ...string) error {
	if out, err := g.cmd(0, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

func (g *gitRepo) output(args ...string) (string, error) {
	c := g.cmd(0, args...)
	c.Stderr = os.Stderr
	out, err := c.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out), nil
}

func (g *gitRepo) commitAll(msg string, date int) error {
	if out, err := g.cmd(date, "add", "-A").CombinedOutput(); err != nil {
		return fmt.Errorf("git add: %v: %s", err, out)
	}
	if out, err := g.cmd(date, "commit", "-q", "-m", msg).CombinedOutput(); err != nil {
		return fmt.Errorf("git commit: %v: %s", err, out)
	}
	return nil
}

// gitdURL is the push URL of app on the gitd at addr (host:port).
func gitdURL(addr, app string) string {
	return fmt.Sprintf("ssh://git@%s/%s", addr, app)
}

// opensshURL is the URL of the bare repo dir on the sshd at addr, as user.
func opensshURL(user, addr, dir string) string {
	return fmt.Sprintf("ssh://%s@%s%s", user, addr, dir)
}

// pushCmd is `git push [opts] --no-verify url HEAD:refs/heads/main` run in
// the work tree dir, with sshCmd as GIT_SSH_COMMAND.
func pushCmd(dir, url, sshCmd string, opts ...string) *exec.Cmd {
	args := append(append([]string{"push"}, opts...), "--no-verify", url, "HEAD:refs/heads/main")
	return gitCmd(dir, sshCmd, args...)
}

// gitCmd is git args run in dir (the current directory when empty) as a
// client of the servers: sshCmd as GIT_SSH_COMMAND, no user config.
func gitCmd(dir, sshCmd string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(gitEnv(), "GIT_SSH_COMMAND="+sshCmd)
	return cmd
}

// refOf reads refs/heads/main of a (bare) repo with git itself.
func refOf(gitDir string) (string, error) {
	out, err := exec.Command("git", "--git-dir", gitDir, "rev-parse", "--verify", "-q", "refs/heads/main").Output()
	if err != nil {
		return "", fmt.Errorf("%s: no refs/heads/main", gitDir)
	}
	return strings.TrimSpace(string(out)), nil
}
