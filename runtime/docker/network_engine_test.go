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

// TestNetworkRemovedWhileCreating: the race behind a container that could
// never start ("network … not found"). Another gitd removes the network the
// driver chose, as a duplicate that lost, and makes the one that wins,
// between ensureNetwork and ContainerCreate. The engine still makes a
// container on the removed network's ID; Create must notice and make the
// container again, on the survivor, so that it starts there.
func TestNetworkRemovedWhileCreating(t *testing.T) {
	c := engine(t)
	img := testbot(t, c)
	sc := newScope(t, c)
	rc := &removingClient{Client: c, real: c, t: t}
	d := docker.New(rc, logger(t))
	id, err := d.Create(context.Background(), hardened(img, sc, "gone", "sleep"))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if rc.survivor == "" {
		t.Fatal("the network was never swapped: the test proves nothing")
	}
	if err := d.Start(context.Background(), id); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if on := attachedTo(t, c, id); len(on) != 1 || on[0] != rc.survivor {
		t.Errorf("container is attached to %v, want only the surviving network %s", on, rc.survivor)
	}
}

// removingClient, on the first container create that is not an engine
// lock, makes a second network by the same name and removes the one the
// container is being made on: what a racing gitd's removeDuplicates does.
type removingClient struct {
	docker.Client
	real     *client.Client
	t        *testing.T
	survivor string
}

func (r *removingClient) ContainerCreate(ctx context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	if r.survivor == "" && o.Config.Labels[docker.LockLabel] == "" {
		chosen := string(o.HostConfig.NetworkMode)
		in, err := r.real.NetworkInspect(ctx, chosen, client.NetworkInspectOptions{})
		if err != nil {
			r.t.Fatalf("inspect the chosen network: %v", err)
		}
		n, err := r.Client.NetworkCreate(ctx, in.Network.Name, client.NetworkCreateOptions{
			Driver: "bridge", Labels: map[string]string{docker.NetworkLabel: "1"}})
		if err != nil {
			r.t.Fatalf("make the survivor: %v", err)
		}
		r.survivor = n.ID
		if _, err := r.Client.NetworkRemove(ctx, chosen, client.NetworkRemoveOptions{}); err != nil {
			r.t.Fatalf("remove the chosen network: %v", err)
		}
	}
	return r.Client.ContainerCreate(ctx, o)
}
