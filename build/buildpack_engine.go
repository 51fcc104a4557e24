package build

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	packclient "github.com/buildpacks/pack/pkg/client"

	"github.com/botrunner/botrunner/internal/cleanup"
)

// BuildpackEngine is the Docker client pack drives for buildpack builds:
// much more of the engine than Engine (containers, volumes, networks,
// image save and load), so it is passed separately. *client.Client
// satisfies it.
type BuildpackEngine = packclient.DockerClient

var _ BuildpackEngine = (*client.Client)(nil)

// errSocketRefused: a build container that is not the lifecycle's asked
// for the engine's socket.
var errSocketRefused = errors.New("a build container that runs buildpacks asked for the Docker socket")

// guardedEngine is the engine as pack sees it. Every build container gets
// the build memory and process limits (pack has no option for them; the
// buildpacks run the app's setup code, a fork bomb among it), and the socket rule
// of the untrusted flow is checked rather than trusted: only containers of
// pack's ephemeral lifecycle image (analyzer, restorer, exporter) may
// mount the engine's socket; the detector and builder, which run the
// buildpacks and so the app's code, never.
type guardedEngine struct {
	BuildpackEngine
	memory int64
	pids   int64 // 0 = no process limit
}

// lifecyclePrefix names the ephemeral lifecycle images pack makes from the
// lifecycle image for each build.
const lifecyclePrefix = "pack.local/lifecycle/"

func (e *guardedEngine) ContainerCreate(ctx context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	if o.Config != nil && o.HostConfig != nil && !strings.HasPrefix(o.Config.Image, lifecyclePrefix) && wantsEngine(o) {
		return client.ContainerCreateResult{}, fmt.Errorf("%w (image %s)", errSocketRefused, o.Config.Image)
	}
	if o.HostConfig == nil {
		o.HostConfig = &container.HostConfig{}
	}
	if e.memory > 0 && o.HostConfig.Memory == 0 {
		o.HostConfig.Memory, o.HostConfig.MemorySwap = e.memory, e.memory
	}
	if e.pids > 0 && (o.HostConfig.PidsLimit == nil || *o.HostConfig.PidsLimit <= 0 || *o.HostConfig.PidsLimit > e.pids) {
		o.HostConfig.PidsLimit = &e.pids
	}
	return e.BuildpackEngine.ContainerCreate(ctx, o)
}

// wantsEngine reports whether a container would reach the engine: the
// socket mounted, or DOCKER_HOST pointing elsewhere.
func wantsEngine(o client.ContainerCreateOptions) bool {
	for _, b := range o.HostConfig.Binds {
		if strings.Contains(b, "docker.sock") || strings.Contains(b, "docker_engine") {
			return true
		}
	}
	for _, kv := range o.Config.Env {
		if strings.HasPrefix(kv, "DOCKER_HOST=") {
			return true
		}
	}
	return false
}

// NetworkRemove removes pack's per-build network even when the build was
// cancelled: pack removes it with the build's context.
func (e *guardedEngine) NetworkRemove(ctx context.Context, id string, o client.NetworkRemoveOptions) (client.NetworkRemoveResult, error) {
	ctx, cancel := cleanup.Context(ctx, time.Minute)
	defer cancel()
	return e.BuildpackEngine.NetworkRemove(ctx, id, o)
}
