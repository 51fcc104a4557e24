package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// gitdServer is the gitd side: each target a new app (created by the
// timed push, or by apps:create before it with -gitd-precreate).
func gitdServer(f runFlags, sshCmd string) *server {
	s := gitdProcs(f.gitdPID)
	s.prepare = func(repo, tag string) (string, func() (string, error), error) {
		app := fmt.Sprintf("bench-%s-%s", repo, tag) // a new app: the first push creates it
		dir := filepath.Join(f.gitdRepos, app+".git")
		if f.precreate {
			if out, err := sshTo(strings.Fields(sshCmd), f.gitdAddr, "git", "apps:create", app).CombinedOutput(); err != nil {
				return "", nil, fmt.Errorf("apps:create %s: %v: %s", app, err, out)
			}
		}
		return gitdURL(f.gitdAddr, app), func() (string, error) { return refOf(dir) }, nil
	}
	return s
}

// gitdProcs is how gitd (one process, pid) is measured: its own CPU time,
// its RSS, and VmHWM reset around each operation.
func gitdProcs(pid int) *server {
	return &server{
		name: "gitd", pid: pid, hwm: true,
		cpuTicks: func() (int64, error) {
			st, err := readStat(pid)
			return st.UTime + st.STime, err
		},
		pids:   func() []int { return append([]int{pid}, descendants(pid)...) },
		settle: func() error { return nil },
	}
}

// opensshServer is the OpenSSH side: each target a fresh bare repo.
func opensshServer(f runFlags) *server {
	s := sshdProcs(f.sshdPID)
	s.prepare = func(repo, tag string) (string, func() (string, error), error) {
		dir := filepath.Join(f.work, "openssh", repo+"-"+tag+".git")
		if out, err := exec.Command("git", "init", "-q", "--bare", dir).CombinedOutput(); err != nil {
			return "", nil, fmt.Errorf("git init --bare: %v: %s", err, out)
		}
		for _, kv := range f.targetConfig {
			if out, err := exec.Command("git", "--git-dir", dir, "config", kv[0], kv[1]).CombinedOutput(); err != nil {
				return "", nil, fmt.Errorf("git config %s: %v: %s", kv[0], err, out)
			}
		}
		return opensshURL(f.sshUser, f.sshdAddr, dir), func() (string, error) { return refOf(dir) }, nil
	}
	return s
}

// sshdProcs is how the OpenSSH side (the listening sshd, pid, and the
// session processes below it) is measured.
func sshdProcs(pid int) *server {
	return &server{
		name: "OpenSSH", pid: pid,
		// The session processes (sshd children, the shell, git-receive-pack,
		// index-pack/unpack-objects) are reaped by the time settle returns,
		// so their CPU time is in the listener's cutime+cstime.
		cpuTicks: func() (int64, error) {
			st, err := readStat(pid)
			return st.CUTime + st.CSTime, err
		},
		pids:   func() []int { return descendants(pid) },
		settle: func() error { return waitNoDescendants(pid, 10*time.Second) },
	}
}

// fsckTarget runs git fsck on the first measured target of repo on s.
func fsckTarget(s *server, gitdRepos, work, repo string) error {
	dir := filepath.Join(work, "openssh", repo+"-1.git")
	if s.name == "gitd" {
		dir = filepath.Join(gitdRepos, "bench-"+repo+"-1.git")
	}
	out, err := exec.Command("git", "--git-dir", dir, "fsck", "--no-dangling", "--no-progress").CombinedOutput()
	if err != nil {
		return fmt.Errorf("git fsck %s (%s): %v\n%s", repo, s.name, err, out)
	}
	return nil
}
