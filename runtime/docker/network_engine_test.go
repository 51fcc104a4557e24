package docker_test

import (
	"context"
	"net/netip"
	"sync"
	"testing"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime/docker"
)

// TestIsolatedNetworksEngine: drivers in "different processes" (each its
// own in-process lock) create apps' networks at once on the real engine;
// each gets ICC off and a /28 of the pool no other network has, and
// RemoveNetwork takes it away.
func TestIsolatedNetworksEngine(t *testing.T) {
	c := engine(t)
	img := testbot(t, c)
	pool := []netip.Prefix{netip.MustParsePrefix("10.254.242.0/24")}
	scopes := make([]scope, 4)
	for i := range scopes {
		scopes[i] = newScope(t, c)
	}
	var wg sync.WaitGroup
	for _, sc := range scopes {
		wg.Go(func() {
			d := docker.NewIsolated(c, logger(t))
			d.IsolateNetworks(pool)
			s := hardened(img, sc, "isolated", "sleep", "60")
			id, err := d.Create(context.Background(), s)
			if err != nil {
				t.Errorf("Create on %s: %v", sc.Network, err)
				return
			}
			_ = d.Remove(context.Background(), id)
		})
	}
	wg.Wait()
	seen := map[netip.Prefix]string{}
	for _, sc := range scopes {
		in, err := c.NetworkInspect(context.Background(), sc.Network, client.NetworkInspectOptions{})
		if err != nil {
			t.Fatalf("inspect %s: %v", sc.Network, err)
		}
		n := in.Network
		if n.Options["com.docker.network.bridge.enable_icc"] != "false" || n.Labels[docker.IsolatedLabel] != "1" {
			t.Errorf("%s: options %v labels %v, want ICC off and the isolated label", sc.Network, n.Options, n.Labels)
		}
		if len(n.IPAM.Config) != 1 {
			t.Fatalf("%s: IPAM %+v", sc.Network, n.IPAM)
		}
		sub := n.IPAM.Config[0].Subnet
		if sub.Bits() != docker.AppSubnetBits || !pool[0].Contains(sub.Addr()) {
			t.Errorf("%s: subnet %s, want a /%d of %s", sc.Network, sub, docker.AppSubnetBits, pool[0])
		}
		if other, dup := seen[sub]; dup {
			t.Errorf("%s and %s share subnet %s", other, sc.Network, sub)
		}
		seen[sub] = sc.Network
	}
	d := docker.New(c, logger(t))
	if err := d.RemoveNetwork(context.Background(), scopes[0].Network); err != nil {
		t.Fatal(err)
	}
	if _, err := c.NetworkInspect(context.Background(), scopes[0].Network, client.NetworkInspectOptions{}); err == nil {
		t.Errorf("%s still exists after RemoveNetwork", scopes[0].Network)
	}
}
