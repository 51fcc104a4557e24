package docker_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/runtime/supervisor"
	"github.com/botrunner/botrunner/scheduler"
	dockersched "github.com/botrunner/botrunner/scheduler/docker"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
	"github.com/botrunner/botrunner/testsupport/schedulertest"
)

// TestConformance runs the scheduler suite on the real engine: each
// subtest is a gitd instance of its own, all on one network of this test.
func TestConformance(t *testing.T) {
	c := runtimetest.Engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	img, err := runtimetest.TestbotImage(ctx, c)
	if err != nil {
		t.Fatalf("testbot image: %v", err)
	}
	tok := token()
	network := "botrunner-test-sched-" + tok
	labels := map[string]string{"botrunner.test": "1", "botrunner.test.run": tok}
	t.Cleanup(func() { cleanup(t, c, tok, network) })
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	schedulertest.Run(t, func(t *testing.T, tm schedulertest.Timing) (scheduler.Scheduler, schedulertest.Images) {
		drv := docker.New(c, log)
		s := dockersched.New(drv, drv, dockersched.Options{Instance: "st" + token(), Network: network,
			Labels: labels, StopGrace: tm.StopGrace, Log: log,
			Policy: supervisor.Policy{BaseDelay: tm.RestartDelay, MaxRuntime: tm.MaxRuntime}})
		return s, schedulertest.Images{Image: img, User: runtimetest.TestbotUser}
	})
}

func token() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// cleanup removes the containers of this test run, then its network.
func cleanup(t *testing.T, c *client.Client, tok, network string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	list, err := c.ContainerList(ctx, client.ContainerListOptions{All: true,
		Filters: make(client.Filters).Add("label", "botrunner.test.run="+tok)})
	if err != nil {
		t.Errorf("cleanup: list containers: %v", err)
	}
	for _, ct := range list.Items {
		if _, err := c.ContainerRemove(ctx, ct.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
			t.Errorf("cleanup: remove %s: %v", ct.ID, err)
		}
	}
	nets, err := c.NetworkList(ctx, client.NetworkListOptions{Filters: make(client.Filters).Add("name", network)})
	if err != nil {
		t.Errorf("cleanup: list networks: %v", err)
	}
	for _, n := range nets.Items {
		if n.Name == network {
			if _, err := c.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil {
				t.Errorf("cleanup: remove network %s: %v", n.Name, err)
			}
		}
	}
}
