package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"
)

// testLabel marks networks and containers testenv made, so leftovers of a
// killed run can be found: docker ps -a --filter label=org.botrunner.testenv
const testLabel = "org.botrunner.testenv=1"

// Network creates a bridge network called name unless it exists already.
func Network(ctx context.Context, name string) error {
	return network(ctx, name)
}

func network(ctx context.Context, name string, opts ...string) error {
	args := append([]string{"network", "create", "--driver", "bridge", "--label", testLabel}, opts...)
	_, err := docker(ctx, nil, append(args, name)...)
	if err != nil && strings.Contains(err.Error(), "already exists") {
		return nil
	}
	return err
}

// RemoveNetwork removes the network; one that does not exist is no error.
// Containers still attached make it fail.
func RemoveNetwork(ctx context.Context, name string) error {
	_, err := docker(ctx, nil, "network", "rm", name)
	if err != nil && strings.Contains(strings.ToLower(err.Error()), "not found") {
		return nil
	}
	return err
}

// UniqueName returns prefix-<12 hex digits>: a valid container or network
// name no other test run uses.
func UniqueName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// NetworkGateway is the host's address on network (its bridge's gateway).
func NetworkGateway(ctx context.Context, name string) (string, error) {
	out, err := docker(ctx, nil, "network", "inspect", "--format", "{{range .IPAM.Config}}{{.Gateway}} {{end}}", name)
	if err != nil {
		return "", err
	}
	f := strings.Fields(out)
	if len(f) == 0 {
		return "", fmt.Errorf("network %s has no gateway address", name)
	}
	return f[0], nil
}

// NewNetwork creates a uniquely named bridge network for t and removes it
// when t ends (after the containers started later, as cleanups run last
// in, first out). It is an internal network: its containers reach each
// other by name and nothing else, which is the test network rule made
// physical.
func NewNetwork(t testing.TB) string {
	t.Helper()
	RequireDocker(t)
	name := UniqueName("botrunner-test-net")
	if err := network(t.Context(), name, "--internal"); err != nil {
		t.Fatalf("create network: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := RemoveNetwork(ctx, name); err != nil {
			t.Errorf("remove network %s: %v", name, err)
		}
	})
	return name
}

// StartContainer runs image detached as name on network, with cmd as its
// arguments and no published ports, and removes it when t ends (logging
// its output first if t failed). The name is its host name on network.
func StartContainer(t testing.TB, network, name, image string, cmd ...string) {
	t.Helper()
	RequireDocker(t)
	t.Cleanup(func() { removeContainer(t, name) })
	args := append([]string{"run", "--detach", "--name", name, "--network", network,
		"--label", testLabel, image}, cmd...)
	if _, err := docker(t.Context(), nil, args...); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
}

func removeContainer(t testing.TB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if t.Failed() {
		if logs, err := docker(ctx, nil, "logs", "--tail", "50", name); err == nil && logs != "" {
			t.Logf("last logs of %s:\n%s", name, logs)
		}
	}
	if _, err := docker(ctx, nil, "rm", "--force", "--volumes", name); err != nil &&
		!strings.Contains(err.Error(), "No such container") {
		t.Errorf("remove container %s: %v", name, err)
	}
}

// waitExec runs a readiness command in a container until it succeeds.
func waitExec(ctx context.Context, name string, cmd ...string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var err error
	for {
		if _, err = docker(ctx, nil, append([]string{"exec", name}, cmd...)...); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}
