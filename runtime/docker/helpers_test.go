package docker_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/testsupport/runtimetest"
)

// engine returns a client for the test engine (see runtimetest.Engine).
func engine(t *testing.T) *client.Client { return runtimetest.Engine(t) }

var testbotOnce sync.Mutex

// testbot builds (once per machine, reused after) the testbot image.
func testbot(t *testing.T, c *client.Client) string {
	t.Helper()
	testbotOnce.Lock()
	defer testbotOnce.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	began := time.Now()
	img, err := runtimetest.TestbotImage(ctx, c)
	if err != nil {
		t.Fatalf("testbot image: %v", err)
	}
	t.Logf("testbot image %s ready in %v", img, time.Since(began).Round(time.Millisecond))
	return img
}

func token() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// scope is one test's own network and labels. The network is created by
// the driver on first use; cleanup removes every container carrying the
// labels, then every network with the name (duplicates included).
type scope struct {
	Network string
	Labels  map[string]string
}

func newScope(t *testing.T, c *client.Client) scope {
	tok := token()
	s := scope{
		Network: "botrunner-test-" + tok,
		Labels:  map[string]string{"botrunner.test": "1", "botrunner.test.run": tok},
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		list, err := c.ContainerList(ctx, client.ContainerListOptions{All: true,
			Filters: make(client.Filters).Add("label", "botrunner.test.run="+tok)})
		if err != nil {
			t.Errorf("cleanup: list containers: %v", err)
		}
		for _, ct := range list.Items {
			if _, err := c.ContainerRemove(ctx, ct.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
				t.Errorf("cleanup: remove %s: %v", ct.ID, err)
			}
		}
		nets, err := c.NetworkList(ctx, client.NetworkListOptions{Filters: make(client.Filters).Add("name", s.Network)})
		if err != nil {
			t.Errorf("cleanup: list networks: %v", err)
		}
		for _, n := range nets.Items {
			if n.Name != s.Network {
				continue
			}
			if _, err := c.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil {
				t.Errorf("cleanup: remove network %s: %v", n.Name, err)
			}
		}
	})
	return s
}

func logger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
