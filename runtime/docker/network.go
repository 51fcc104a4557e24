package docker

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// NetworkLabel marks the networks this package creates.
const NetworkLabel = "botrunner"

// ensureNetwork returns the ID of the bridge network called name, creating
// it if missing. Engines before API 1.44 (20.10 is 1.41) do not refuse a
// second network with the same name, and a rule like "the oldest duplicate
// wins" is not enough: the engine stamps Created before the network is
// listed, so two racers can each see only their own network and disagree.
// Creation is therefore serialised across processes by an engine-side lock
// (see engineLock); within one process netMu does the same cheaply. The ID
// is returned because the name is ambiguous while a duplicate left by an
// older gitd exists.
func (d *Driver) ensureNetwork(ctx context.Context, name, image string) (string, error) {
	if name == "none" {
		return name, nil
	}
	d.netMu.Lock()
	defer d.netMu.Unlock()
	if id, err := d.existingNetwork(ctx, name); id != "" || err != nil {
		return id, err
	}
	// Isolated networks share one lock: their subnets come from one pool.
	key := "net-" + name
	if d.pool != nil {
		key = "net-pool"
	}
	if image != "" {
		unlock, err := d.engineLock(ctx, key, image)
		if err != nil {
			return "", err
		}
		defer unlock()
	} else {
		d.log.Warn("no image on the engine to hold the network lock: creating without it", "network", name)
	}
	// Someone may have made it while we waited for the lock.
	if id, err := d.existingNetwork(ctx, name); id != "" || err != nil {
		return id, err
	}
	opts, err := d.createNetworkOptions(ctx)
	if err != nil {
		return "", err
	}
	res, err := d.c.NetworkCreate(ctx, name, opts)
	if cerrdefs.IsConflict(err) || cerrdefs.IsAlreadyExists(err) {
		// An engine at API 1.44+ refusing a racer that took no lock.
		return d.existingNetwork(ctx, name)
	}
	if err != nil {
		return "", fmt.Errorf("create network %s: %w", name, err)
	}
	d.log.Info("network created", "network", name, "id", short(res.ID), "isolated", d.pool != nil)
	return res.ID, nil
}

// EnsureNetwork makes the network called name as Create would (from the
// pool when networks are isolated), before any container of the app
// exists: builds run their steps on the app's network, so they are held to
// what the bots are (docs/network.md). It returns the network's ID.
func (d *Driver) EnsureNetwork(ctx context.Context, name string) (string, error) {
	// Every build asks; the network mostly exists: then no image list.
	if id, err := d.existingNetwork(ctx, name); id != "" || err != nil {
		return id, err
	}
	img, err := d.lockImage(ctx)
	if err != nil {
		return "", err
	}
	return d.ensureNetwork(ctx, name, img)
}

// lockImage is any image on the engine, for the engine lock's container
// (created, never started). An engine with no image at all gets no lock:
// then only this process's lock keeps two creators apart.
func (d *Driver) lockImage(ctx context.Context) (string, error) {
	res, err := d.c.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		return "", fmt.Errorf("list images: %w", err)
	}
	for _, im := range res.Items {
		if im.ID != "" {
			return im.ID, nil
		}
	}
	return "", nil
}

// createNetworkOptions is a plain labelled bridge, or with a pool (see
// IsolateNetworks) a bridge whose containers cannot reach each other (ICC
// off) on the first free subnet of the pool. The caller holds the lock.
func (d *Driver) createNetworkOptions(ctx context.Context) (client.NetworkCreateOptions, error) {
	opts := client.NetworkCreateOptions{Driver: "bridge", Labels: map[string]string{NetworkLabel: "1"}}
	if d.pool == nil {
		return opts, nil
	}
	used, err := d.usedSubnets(ctx)
	if err != nil {
		return opts, err
	}
	subnet, ok := freeSubnet(d.pool, used)
	if !ok {
		return opts, ErrNoSubnet.With(fmt.Sprintf("every /%d of the bot subnet pool %v is taken", AppSubnetBits, d.pool), nil)
	}
	opts.IPAM = &network.IPAM{Config: []network.IPAMConfig{{Subnet: subnet}}}
	opts.Options = map[string]string{iccOption: "false"}
	opts.Labels[IsolatedLabel] = "1"
	return opts, nil
}

// iccOption is the bridge driver's switch for traffic between the
// containers of one network.
const iccOption = "com.docker.network.bridge.enable_icc"

// IsolatedLabel marks the networks made from the pool (ICC off).
const IsolatedLabel = "botrunner.isolated"

// usedSubnets lists the subnets of every network on the engine.
func (d *Driver) usedSubnets(ctx context.Context) ([]netip.Prefix, error) {
	res, err := d.c.NetworkList(ctx, client.NetworkListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	var used []netip.Prefix
	for _, n := range res.Items {
		for _, c := range n.IPAM.Config {
			used = append(used, c.Subnet)
		}
	}
	return used, nil
}

// RemoveNetwork removes the networks of ours called name (an app's, when
// the app goes). One that does not exist is no error; one that containers
// still use is (the engine refuses).
func (d *Driver) RemoveNetwork(ctx context.Context, name string) error {
	if name == "none" {
		return nil
	}
	nets, err := d.networks(ctx, name)
	if err != nil {
		return err
	}
	for _, n := range nets {
		if n.Labels[NetworkLabel] != "1" {
			continue
		}
		if _, err := d.c.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("remove network %s: %w", name, err)
		}
		d.log.Info("network removed", "network", name, "id", short(n.ID))
	}
	return nil
}

// existingNetwork returns the ID of the network called name, or "" when
// there is none. Duplicates (left by gitd versions or engines that raced
// without the lock) resolve to the oldest, and the others of ours go.
func (d *Driver) existingNetwork(ctx context.Context, name string) (string, error) {
	nets, err := d.networks(ctx, name)
	if err != nil || len(nets) == 0 {
		return "", err
	}
	win := oldest(nets)
	if d.pool != nil && win.Labels[IsolatedLabel] != "1" {
		// Someone else made a network by the app's name: it may let bots
		// reach each other, so no bot goes on it.
		return "", ErrNotIsolated.With(fmt.Sprintf("network %s exists but is not one gitd made isolated", name), nil)
	}
	d.removeDuplicates(ctx, nets, win.ID)
	return win.ID, nil
}

// removeDuplicates removes the labelled losers among duplicates. The
// engine refuses to remove a network that containers use, so an error here
// is only logged.
func (d *Driver) removeDuplicates(ctx context.Context, nets []network.Summary, winner string) {
	for _, n := range nets {
		if n.ID == winner || n.Labels[NetworkLabel] != "1" {
			continue
		}
		d.log.Info("removing duplicate network", "network", n.Name, "id", short(n.ID))
		if _, err := d.c.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			d.log.Warn("cannot remove duplicate network", "network", n.Name, "id", short(n.ID), "err", err)
		}
	}
}

// networks lists the networks named exactly name (the engine's name filter
// also matches substrings).
func (d *Driver) networks(ctx context.Context, name string) ([]network.Summary, error) {
	res, err := d.c.NetworkList(ctx, client.NetworkListOptions{Filters: make(client.Filters).Add("name", name)})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	return slices.DeleteFunc(res.Items, func(n network.Summary) bool { return n.Name != name }), nil
}

// oldest picks the same network out of duplicates for every caller.
func oldest(nets []network.Summary) network.Summary {
	return slices.MinFunc(nets, func(a, b network.Summary) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
