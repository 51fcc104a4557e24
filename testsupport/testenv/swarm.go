package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// The engine's swarm is shared machine state: the test run makes a
// single-node swarm when the engine has none and leaves it when its last
// user is done, and never touches a swarm it did not make. Users are
// counted by pid in a file next to the image locks, under a lock, so
// parallel test processes agree; a user that died is dropped when the
// file is next read.
const swarmLock = "botrunner-testenv-swarm"

// Swarm makes the engine a swarm manager for the test: an engine in no
// swarm gets a single-node one (`docker swarm init --advertise-addr
// 127.0.0.1`), left again (`docker swarm leave --force`) in t.Cleanup
// (which runs on failure and after a panic too) once no other test
// process uses it; a swarm the engine already had is used and left alone.
// An engine that is a worker or a locked manager skips the test (fails in CI).
func Swarm(t testing.TB) {
	t.Helper()
	RequireDocker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	leave, err := JoinSwarm(ctx)
	if err != nil {
		ci.Missing(t, fmt.Sprintf("a swarm manager: %v", err))
		return
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := leave(ctx); err != nil {
			t.Errorf("leave the test swarm: %v", err)
		}
	})
}

// JoinSwarm is Swarm for a user that is not one test (the integration
// stories share one swarm for the whole run): the caller calls leave
// once, when it is done with the swarm.
func JoinSwarm(ctx context.Context) (leave func(context.Context) error, err error) {
	if err := joinSwarm(ctx); err != nil {
		return nil, err
	}
	return leaveSwarm, nil
}

func swarmFiles() (users, made string) {
	dir := filepath.Join(lockDir(), "botrunner-testenv")
	return filepath.Join(dir, "swarm-users"), filepath.Join(dir, "swarm-made")
}

// joinSwarm registers this process as a user, making the swarm if needed.
func joinSwarm(ctx context.Context) error {
	unlock, err := lockFile(ctx, swarmLock)
	if err != nil {
		return err
	}
	defer unlock()
	state, err := docker(ctx, nil, "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}")
	if err != nil {
		return err
	}
	usersPath, madePath := swarmFiles()
	switch state {
	case "active true":
	case "inactive false":
		// swarm init makes docker_gwbridge, and leave keeps it: note
		// whether it was there, so that leaving takes away what we made.
		_, bridgeErr := docker(ctx, nil, "network", "inspect", gwBridge)
		if _, err := docker(ctx, nil, "swarm", "init", "--advertise-addr", "127.0.0.1"); err != nil {
			return err
		}
		Logger.Info("test swarm made (single node, 127.0.0.1)")
		if err := os.MkdirAll(filepath.Dir(madePath), 0o755); err != nil {
			return err
		}
		made := fmt.Sprintf("%d %t", os.Getpid(), bridgeErr == nil)
		if err := os.WriteFile(madePath, []byte(made), 0o644); err != nil {
			return err
		}
	default:
		return fmt.Errorf("the engine's swarm state is %q (want a manager, or no swarm)", state)
	}
	users := append(liveUsers(usersPath), os.Getpid())
	return writeUsers(usersPath, users)
}

// leaveSwarm drops this process; the last user leaves a swarm testenv made.
func leaveSwarm(ctx context.Context) error {
	unlock, err := lockFile(ctx, swarmLock)
	if err != nil {
		return err
	}
	defer unlock()
	usersPath, madePath := swarmFiles()
	// One entry per Swarm call: tests of one process may overlap.
	users := liveUsers(usersPath)
	if i := slices.Index(users, os.Getpid()); i >= 0 {
		users = slices.Delete(users, i, i+1)
	}
	if err := writeUsers(usersPath, users); err != nil {
		return err
	}
	if len(users) > 0 {
		return nil
	}
	made, err := os.ReadFile(madePath)
	if err != nil {
		return nil // the swarm was there before the tests: not ours to leave
	}
	if _, err := docker(ctx, nil, "swarm", "leave", "--force"); err != nil {
		return err
	}
	Logger.Info("test swarm left")
	if f := strings.Fields(string(made)); len(f) == 2 && f[1] == "false" {
		if _, err := docker(ctx, nil, "network", "rm", gwBridge); err != nil {
			Logger.Warn("remove the swarm's gateway bridge", "network", gwBridge, "err", err)
		}
	}
	return os.Remove(madePath)
}

// gwBridge is the bridge swarm init makes for the nodes' overlay traffic.
const gwBridge = "docker_gwbridge"

// liveUsers reads the pid list, keeping processes that still exist.
func liveUsers(path string) []int {
	data, _ := os.ReadFile(path)
	var out []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err == nil && pid > 0 && syscall.Kill(pid, 0) == nil {
			out = append(out, pid)
		}
	}
	return out
}

func writeUsers(path string, users []int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var b strings.Builder
	for _, p := range users {
		b.WriteString(strconv.Itoa(p) + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
