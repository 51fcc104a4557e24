package docker

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/internal/cleanup"
	"github.com/botrunner/botrunner/runtime"
)

// removeTimeout bounds removing what a refused or cancelled call made; it
// runs even after the caller's context ended.
const removeTimeout = 30 * time.Second

// initOn is HostConfig.Init's value (a pointer in the API).
var initOn = true

// Create makes a hardened container from s (see the package doc). It never
// pulls: a missing image is runtime.ErrImageNotFound.
func (d *Driver) Create(ctx context.Context, s runtime.Spec) (string, error) {
	s = s.WithDefaults()
	if err := s.Validate(); err != nil {
		return "", err
	}
	netID, err := d.ensureNetwork(ctx, s.Network, s.Image)
	if err != nil {
		return "", err
	}
	res, err := d.c.ContainerCreate(ctx, createOptions(s, netID))
	if err != nil {
		return "", translateCreate(s, err)
	}
	if err := d.verify(ctx, s, res); err != nil {
		// Don't leave a container behind that is less contained than asked.
		rctx, cancel := cleanup.Context(ctx, removeTimeout)
		defer cancel()
		if _, rerr := d.c.ContainerRemove(rctx, res.ID,
			client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); rerr != nil {
			d.log.Warn("cannot remove refused container", "id", short(res.ID), "err", rerr)
		}
		return "", err
	}
	d.log.Info("container created", "id", short(res.ID), "name", s.Name, "image", s.Image,
		"memory", s.Limits.Memory, "nano_cpus", s.Limits.NanoCPUs, "pids", s.Limits.Pids)
	return res.ID, nil
}

// createOptions translates a defaulted, valid spec into the engine's
// create request, with every hardening item set. network is the network's
// ID (a name can be ambiguous while two creators race, see ensureNetwork),
// or "none".
func createOptions(s runtime.Spec, networkID string) client.ContainerCreateOptions {
	pids := s.Limits.Pids
	o := client.ContainerCreateOptions{
		Name: s.Name,
		Config: &container.Config{
			Image:  s.Image,
			Cmd:    s.Cmd,
			Env:    s.Env,
			Labels: s.Labels,
			User:   s.User,
		},
		HostConfig: &container.HostConfig{
			NetworkMode:    container.NetworkMode(networkID),
			RestartPolicy:  container.RestartPolicy{Name: container.RestartPolicyDisabled}, // gitd supervises
			ReadonlyRootfs: true,
			// A tiny init as PID 1 forwards SIGTERM to the bot and reaps its
			// children: a script that installs no handler still stops at
			// once instead of waiting out the grace, and forks leave no
			// zombies.
			Init:        &initOn,
			SecurityOpt: []string{"no-new-privileges"},
			CapDrop:     []string{"ALL"},
			CapAdd:      []string{"NET_BIND_SERVICE"},
			Tmpfs:       map[string]string{"/tmp": "rw,noexec,nosuid,size=" + s.TmpfsSize},
			LogConfig: container.LogConfig{Type: "json-file", Config: map[string]string{
				"max-size": s.LogMaxSize,
				"max-file": strconv.Itoa(s.LogMaxFile),
			}},
			Resources: container.Resources{
				Memory:     s.Limits.Memory,
				MemorySwap: s.Limits.Memory, // memory+swap = memory: no swap
				NanoCPUs:   s.Limits.NanoCPUs,
				PidsLimit:  &pids,
			},
			// Deliberately unset: Binds, Mounts, VolumesFrom, PortBindings,
			// PublishAllPorts, Privileged, Devices, host namespaces.
		},
	}
	if networkID != "none" {
		o.NetworkingConfig = &network.NetworkingConfig{
			EndpointsConfig: map[string]*network.EndpointSettings{networkID: {}},
		}
	}
	return o
}

// verify refuses what the create request cannot prevent: an engine that
// dropped a limit (it says so in a warning) and an image whose VOLUME lines
// gave the container mounts.
func (d *Driver) verify(ctx context.Context, s runtime.Spec, res client.ContainerCreateResult) error {
	for _, w := range res.Warnings {
		if strings.Contains(strings.ToLower(w), "discarded") {
			return ErrLimitDiscarded.With(fmt.Sprintf("the Docker Engine discarded a limit: %s", w), nil)
		}
		d.log.Warn("engine warning", "container", s.Name, "warning", w)
	}
	in, err := d.c.ContainerInspect(ctx, res.ID, client.ContainerInspectOptions{})
	if err != nil {
		return translate("inspect", res.ID, err)
	}
	if n := len(in.Container.Mounts); n > 0 {
		dests := make([]string, 0, n)
		for _, m := range in.Container.Mounts {
			dests = append(dests, m.Destination)
		}
		return ErrImageVolumes.With(fmt.Sprintf("image %s declares volumes: %s", s.Image, strings.Join(dests, ", ")), nil)
	}
	return nil
}
