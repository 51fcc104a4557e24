package docker

import (
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/runtime"
)

// Engine errors become the runtime package's sentinels where one fits, so
// callers never need moby's error types.

// translate maps an engine error about a container to runtime.ErrNotFound
// when the engine says it does not exist, else wraps it as "op id: err".
func translate(op, id string, err error) error {
	if err == nil {
		return nil
	}
	if cerrdefs.IsNotFound(err) {
		return runtime.ErrNotFound.With(fmt.Sprintf("container %s not found", short(id)), err)
	}
	return fmt.Errorf("%s container %s: %w", op, short(id), err)
}

// translateCreate maps the errors of ContainerCreate: there "not found" is
// about the image, and a conflict about the name.
func translateCreate(s runtime.Spec, err error) error {
	switch {
	case err == nil:
		return nil
	case cerrdefs.IsNotFound(err):
		return runtime.ErrImageNotFound.With(fmt.Sprintf("image %s not found", s.Image), err)
	case cerrdefs.IsConflict(err):
		return runtime.ErrNameInUse.With(fmt.Sprintf("container name %q already in use", s.Name), err)
	}
	return fmt.Errorf("create container %s: %w", s.Name, err)
}

// short keeps IDs readable in messages.
func short(id string) string {
	if len(id) == 64 {
		return id[:12]
	}
	return id
}

// Sentinels for what only a Docker Engine can get wrong.
var (
	// ErrLimitDiscarded: the engine created the container but dropped a
	// limit (its kernel lacks the cgroup controller). Running untrusted code
	// unlimited is not an option, so Create removes the container.
	ErrLimitDiscarded = hint.New("ENGINE_LIMIT_DISCARDED", "the Docker Engine discarded a resource limit",
		"the Docker host's kernel lacks a cgroup controller (memory, cpu or pids); enable it or run gitd against another engine")
	// ErrImageVolumes: the image declares VOLUMEs, which would give the bot
	// writable host storage next to its read-only root.
	ErrImageVolumes = hint.New("IMAGE_DECLARES_VOLUMES", "the image declares volumes",
		"remove the VOLUME lines from your Dockerfile: a bot gets a read-only root and a small /tmp, and keeps state elsewhere")
)

// Sentinels for the engine's container runtime, checked at gitd's start.
var (
	// ErrVulnerableRunc: the engine's runc lets a container escape.
	ErrVulnerableRunc = hint.New("RUNC_VULNERABLE", "the Docker Engine's runc is vulnerable to container escapes",
		"upgrade runc (with containerd.io or the Docker packages) to 1.1.12 or later, or to your distribution's patched build; "+
			"to run bots on it anyway, knowing any bot may take over the host, set GITD_ALLOW_VULNERABLE_RUNC=1")
	// ErrUnknownRunc: gitd cannot tell whether the engine's runtime is safe.
	ErrUnknownRunc = hint.New("RUNC_UNKNOWN", "cannot tell which runc the Docker Engine runs",
		"check `docker version` for runc 1.1.12 or later; if the runtime is safe, set GITD_ALLOW_VULNERABLE_RUNC=1 to run bots on it")
)

// ErrEventStreamEnded: the engine closed the event stream (it restarted, or
// a proxy in between timed out). Consumers subscribe again.
var ErrEventStreamEnded = errors.New("the Docker Engine closed the event stream")

// Sentinels for apps' isolated networks.
var (
	// ErrNoSubnet: every subnet of the pool is taken.
	ErrNoSubnet = hint.New("NETWORK_NO_SUBNET", "no free subnet for the app's network",
		"the server's bot subnet pool is used up: the admin can give GITD_BOT_SUBNETS a larger or second range, or destroy unused apps")
	// ErrNotIsolated: a network by an app's name exists that gitd did not
	// make isolated.
	ErrNotIsolated = hint.New("NETWORK_NOT_ISOLATED", "the app's network is not isolated",
		"the server's admin should remove that Docker network (docker network rm NAME); gitd then makes it again with inter-container traffic off")
	// ErrNetworkGone: the app's network was removed between choosing it and
	// making the container on it, again and again.
	ErrNetworkGone = hint.New("NETWORK_GONE", "the app's network was removed while its container was made",
		"try again; if it keeps happening, something on the Docker host keeps removing gitd's networks (docker events --filter type=network)")
	// ErrBadPool: GITD_BOT_SUBNETS cannot be read.
	ErrBadPool = hint.New("NETWORK_BAD_POOL", "invalid bot subnet pool",
		"set GITD_BOT_SUBNETS to IPv4 CIDRs such as 10.213.0.0/16 (each app gets a /28 of it)")
)
