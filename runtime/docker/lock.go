package docker

import (
	"context"
	"fmt"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/internal/cleanup"
)

// LockLabel marks the lock containers engineLock makes.
const LockLabel = "botrunner.lock"

const (
	// lockStale is how old a lock may get before it is taken as left by a
	// process that died holding it. Holders keep it for one create call.
	lockStale = 30 * time.Second
	// lockPoll is how often a waiter tries again.
	lockPoll = 50 * time.Millisecond
)

// engineLock takes a lock that every process using the engine sees. A
// container name is the one thing the engine keeps unique atomically at API
// 1.41, so the lock is a container that is created, never started, and
// removed on unlock. image is any image present locally (the caller's own).
// A lock older than lockStale is broken: its holder died.
func (d *Driver) engineLock(ctx context.Context, key, image string) (unlock func(), err error) {
	name := "botrunner-lock-" + key
	opts := client.ContainerCreateOptions{
		Name:       name,
		Config:     &container.Config{Image: image, Labels: map[string]string{LockLabel: key}, Cmd: []string{"lock"}},
		HostConfig: &container.HostConfig{NetworkMode: "none"},
	}
	for {
		res, err := d.c.ContainerCreate(ctx, opts)
		if err == nil {
			return func() { d.removeLock(ctx, res.ID) }, nil
		}
		if !cerrdefs.IsConflict(err) {
			return nil, fmt.Errorf("lock %s: %w", key, err)
		}
		d.breakStaleLock(ctx, name)
		select {
		case <-time.After(lockPoll):
		case <-ctx.Done():
			return nil, fmt.Errorf("lock %s: %w", key, ctx.Err())
		}
	}
}

// breakStaleLock removes the lock container name if its holder has had it
// for longer than any holder keeps one.
func (d *Driver) breakStaleLock(ctx context.Context, name string) {
	in, err := d.c.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil || in.Container.Config == nil || in.Container.Config.Labels[LockLabel] == "" {
		return
	}
	created, err := time.Parse(time.RFC3339Nano, in.Container.Created)
	if err != nil || time.Since(created) < lockStale {
		return
	}
	d.log.Warn("breaking a stale engine lock", "lock", name, "created", in.Container.Created)
	d.removeLock(ctx, in.Container.ID)
}

// removeLock releases a lock; it outlives the caller's context so a
// cancelled request does not leave the lock behind for lockStale.
func (d *Driver) removeLock(ctx context.Context, id string) {
	ctx, cancel := cleanup.Context(ctx, removeTimeout)
	defer cancel()
	_, err := d.c.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		d.log.Warn("cannot remove engine lock", "id", short(id), "err", err)
	}
}
