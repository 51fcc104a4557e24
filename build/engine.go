package build

import (
	"context"
	"io"

	"github.com/moby/moby/client"
)

// Engine is the slice of the moby client a build needs. *client.Client
// satisfies it; tests fake it.
type Engine interface {
	ImageBuild(ctx context.Context, buildContext io.Reader, options client.ImageBuildOptions) (client.ImageBuildResult, error)
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
	ImageRemove(ctx context.Context, image string, options client.ImageRemoveOptions) (client.ImageRemoveResult, error)
	// ContainerInspect measures a build step's container (with Size).
	ContainerInspect(ctx context.Context, id string, options client.ContainerInspectOptions) (client.ContainerInspectResult, error)
}

var _ Engine = (*client.Client)(nil)

// NewDockerEngine returns the Engine over a moby client. The client should
// negotiate the API version (the default in moby client v0.4): the engines
// we target may be as old as 20.10 (API 1.41).
func NewDockerEngine(c *client.Client) Engine { return c }
