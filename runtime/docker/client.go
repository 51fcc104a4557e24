package docker

import (
	"context"

	"github.com/moby/moby/client"
)

// Client is the part of the moby client the driver calls (consumer-side, so
// tests fake it). *client.Client satisfies it.
type Client interface {
	ContainerCreate(ctx context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error)
	ContainerStart(ctx context.Context, id string, o client.ContainerStartOptions) (client.ContainerStartResult, error)
	ContainerStop(ctx context.Context, id string, o client.ContainerStopOptions) (client.ContainerStopResult, error)
	ContainerRemove(ctx context.Context, id string, o client.ContainerRemoveOptions) (client.ContainerRemoveResult, error)
	ContainerInspect(ctx context.Context, id string, o client.ContainerInspectOptions) (client.ContainerInspectResult, error)
	ContainerWait(ctx context.Context, id string, o client.ContainerWaitOptions) client.ContainerWaitResult
	ContainerLogs(ctx context.Context, id string, o client.ContainerLogsOptions) (client.ContainerLogsResult, error)
	ContainerList(ctx context.Context, o client.ContainerListOptions) (client.ContainerListResult, error)
	Events(ctx context.Context, o client.EventsListOptions) client.EventsResult
	NetworkList(ctx context.Context, o client.NetworkListOptions) (client.NetworkListResult, error)
	NetworkCreate(ctx context.Context, name string, o client.NetworkCreateOptions) (client.NetworkCreateResult, error)
	NetworkRemove(ctx context.Context, id string, o client.NetworkRemoveOptions) (client.NetworkRemoveResult, error)
	ImageList(ctx context.Context, o client.ImageListOptions) (client.ImageListResult, error)
	Info(ctx context.Context, o client.InfoOptions) (client.SystemInfoResult, error)
	ServerVersion(ctx context.Context, o client.ServerVersionOptions) (client.ServerVersionResult, error)
}

var _ Client = (*client.Client)(nil)

// NewClient connects to the engine DOCKER_HOST (and DOCKER_TLS_VERIFY,
// DOCKER_CERT_PATH, DOCKER_API_VERSION) names, or the local socket. The API
// version is negotiated on the first request (the moby client's default
// since v0.4; WithAPIVersionNegotiation is a deprecated no-op), unless
// DOCKER_API_VERSION pins it.
func NewClient() (*client.Client, error) {
	return client.New(client.FromEnv)
}
