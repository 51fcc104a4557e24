package docker

import (
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/internal/logging"
	"github.com/botrunner/botrunner/runtime"
)

// Driver runs bots as containers on one Docker Engine.
type Driver struct {
	c   Client
	log *slog.Logger

	// netMu serialises network creation within the process, cheaply;
	// across processes ensureNetwork takes an engine-side lock.
	netMu *sync.Mutex
	// pool, when set, makes every network the driver creates an isolated
	// one on its own subnet of the pool (see IsolateNetworks).
	pool []netip.Prefix
}

// netMu is the process-wide lock for network creation.
var netMu sync.Mutex

var _ runtime.Driver = (*Driver)(nil)

// New returns a driver using c (see NewClient). log may be nil.
func New(c Client, log *slog.Logger) *Driver {
	return &Driver{c: c, log: logging.Component(log, "runtime/docker"), netMu: &netMu}
}

// IsolateNetworks has every network the driver creates from now on get
// inter-container traffic off and its own /28 of pool (ParsePool). gitd
// names one network per app, so one app's bots cannot reach another's; the
// host's firewall (package runtime/firewall) does the rest. Call it before
// the driver is used.
func (d *Driver) IsolateNetworks(pool []netip.Prefix) { d.pool = pool }

// Start starts a created or stopped container; a running one is left alone
// (the engine answers 304, which the client reports as success).
//
// The engine resolves the container's network by name at start. While a
// duplicate left by an older gitd is being removed (see existingNetwork),
// that name is ambiguous for a moment: wait it out.
func (d *Driver) Start(ctx context.Context, id string) error {
	for attempt := 1; ; attempt++ {
		_, err := d.c.ContainerStart(ctx, id, client.ContainerStartOptions{})
		if err == nil {
			d.log.Debug("container started", "id", short(id))
			return nil
		}
		if !strings.Contains(err.Error(), "is ambiguous") || attempt == startAttempts {
			return translate("start", id, err)
		}
		d.log.Info("network name ambiguous at start; retrying", "id", short(id), "attempt", attempt)
		select {
		case <-time.After(startRetryDelay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Retries of Start while a network name is ambiguous: about two seconds.
const (
	startAttempts   = 20
	startRetryDelay = 100 * time.Millisecond
)

// Stop asks the engine to send the image's stop signal (SIGTERM unless the
// image sets STOPSIGNAL), wait grace, then SIGKILL. The engine counts the
// grace in whole seconds, so it is rounded up. A container that is not
// running answers 304, which is success.
func (d *Driver) Stop(ctx context.Context, id string, grace time.Duration) error {
	secs := int(max(0, (grace+time.Second-1)/time.Second))
	_, err := d.c.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &secs})
	if err != nil {
		return translate("stop", id, err)
	}
	d.log.Debug("container stopped", "id", short(id), "grace", grace)
	return nil
}

// Remove kills the container if it runs and removes it with its anonymous
// volumes (Create refuses images that declare any, but be thorough).
func (d *Driver) Remove(ctx context.Context, id string) error {
	_, err := d.c.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil {
		return translate("remove", id, err)
	}
	d.log.Debug("container removed", "id", short(id))
	return nil
}
