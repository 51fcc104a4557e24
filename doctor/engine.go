package doctor

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime/docker"
)

// Engine is what the checks ask the Docker Engine.
type Engine interface {
	Facts(ctx context.Context) (EngineFacts, error)
	ImagePresent(ctx context.Context, ref string) (bool, error)
	// Pullable asks the image's registry, through the engine, whether it
	// has ref: what a pull would reach, without pulling.
	Pullable(ctx context.Context, ref string) error
	NetworkExists(ctx context.Context, name string) (bool, error)
}

// EngineFacts is what the engine says about itself.
type EngineFacts struct {
	docker.Engine
	RootDir string // the engine's data root, a path on the engine's host
}

// FirewallProbe lists one iptables chain of the host; an error means it is
// not there (or cannot be read).
type FirewallProbe func(ctx context.Context, chain string) error

// mobyEngine is Engine over the moby client.
type mobyEngine struct {
	c   *client.Client
	drv *docker.Driver
}

// NewEngine is the Engine of a moby client (runtime/docker.NewClient).
func NewEngine(c *client.Client) Engine {
	return mobyEngine{c: c, drv: docker.New(c, slog.New(slog.NewTextHandler(io.Discard, nil)))}
}

func (m mobyEngine) Facts(ctx context.Context) (EngineFacts, error) {
	if _, err := m.c.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return EngineFacts{}, err
	}
	e, err := m.drv.Engine(ctx)
	if err != nil {
		return EngineFacts{}, err
	}
	info, err := m.c.Info(ctx, client.InfoOptions{})
	if err != nil {
		return EngineFacts{}, fmt.Errorf("engine info: %w", err)
	}
	return EngineFacts{Engine: e, RootDir: info.Info.DockerRootDir}, nil
}

func (m mobyEngine) ImagePresent(ctx context.Context, ref string) (bool, error) {
	_, err := m.c.ImageInspect(ctx, ref)
	if err == nil {
		return true, nil
	}
	if cerrdefs.IsNotFound(err) {
		return false, nil
	}
	return false, err
}

func (m mobyEngine) Pullable(ctx context.Context, ref string) error {
	_, err := m.c.DistributionInspect(ctx, ref, client.DistributionInspectOptions{})
	return err
}

func (m mobyEngine) NetworkExists(ctx context.Context, name string) (bool, error) {
	_, err := m.c.NetworkInspect(ctx, name, client.NetworkInspectOptions{})
	if err == nil {
		return true, nil
	}
	if cerrdefs.IsNotFound(err) {
		return false, nil
	}
	return false, err
}
