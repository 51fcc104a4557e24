package docker

import (
	"context"
	"fmt"
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
	unlock, err := d.engineLock(ctx, "net-"+name, image)
	if err != nil {
		return "", err
	}
	defer unlock()
	// Someone may have made it while we waited for the lock.
	if id, err := d.existingNetwork(ctx, name); id != "" || err != nil {
		return id, err
	}
	res, err := d.c.NetworkCreate(ctx, name, client.NetworkCreateOptions{
		Driver: "bridge",
		Labels: map[string]string{NetworkLabel: "1"},
	})
	if cerrdefs.IsConflict(err) || cerrdefs.IsAlreadyExists(err) {
		// An engine at API 1.44+ refusing a racer that took no lock.
		return d.existingNetwork(ctx, name)
	}
	if err != nil {
		return "", fmt.Errorf("create network %s: %w", name, err)
	}
	d.log.Info("network created", "network", name, "id", short(res.ID))
	return res.ID, nil
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
