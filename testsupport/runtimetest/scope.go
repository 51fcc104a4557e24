package runtimetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// Scope is one test's own network and labels. The network is created by
// the driver on first use; cleanup removes every container carrying the
// labels, then every network with the name (duplicates included).
type Scope struct {
	Network string
	Labels  map[string]string
}

// NewScope makes a Scope whose containers and network go when t ends.
func NewScope(t testing.TB, c *client.Client) Scope {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	s := Scope{
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
