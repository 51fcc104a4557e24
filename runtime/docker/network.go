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
// second network with the same name, so two processes racing (two gitd on
// one engine, test binaries) can both succeed. Everyone then agrees on the
// oldest of the duplicates and each loser removes its own; the ID is
// returned rather than the name because the name is ambiguous until they
// have. Within one process netMu makes the race impossible.
func (d *Driver) ensureNetwork(ctx context.Context, name string) (string, error) {
	if name == "none" {
		return name, nil
	}
	d.netMu.Lock()
	defer d.netMu.Unlock()
	nets, err := d.networks(ctx, name)
	if err != nil {
		return "", err
	}
	if len(nets) > 0 {
		win := oldest(nets)
		d.removeDuplicates(ctx, nets, win.ID, "")
		return win.ID, nil
	}
	res, err := d.c.NetworkCreate(ctx, name, client.NetworkCreateOptions{
		Driver: "bridge",
		Labels: map[string]string{NetworkLabel: "1"},
	})
	if err != nil && !cerrdefs.IsConflict(err) && !cerrdefs.IsAlreadyExists(err) {
		return "", fmt.Errorf("create network %s: %w", name, err)
	}
	if nets, err = d.networks(ctx, name); err != nil {
		return "", err
	}
	if len(nets) == 0 {
		return "", fmt.Errorf("create network %s: it vanished after creation", name)
	}
	win := oldest(nets)
	if res.ID == win.ID {
		d.log.Info("network created", "network", name, "id", short(res.ID))
	}
	d.removeDuplicates(ctx, nets, win.ID, res.ID)
	return win.ID, nil
}

// removeDuplicates removes the losers of a creation race: ours (just
// created) at once, and any other of ours (labelled) left by a process that
// died before cleaning up. The engine refuses to remove a network that
// containers use, so an error here is only logged.
func (d *Driver) removeDuplicates(ctx context.Context, nets []network.Summary, winner, ours string) {
	for _, n := range nets {
		if n.ID == winner || (n.ID != ours && n.Labels[NetworkLabel] != "1") {
			continue
		}
		d.log.Info("removing duplicate network", "network", n.Name, "id", short(n.ID), "ours", n.ID == ours)
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
