package runtime

import "github.com/botrunner/botrunner/hint"

// Sentinels. Drivers translate their engine's errors into these, so callers
// match them with errors.Is whatever the engine.
var (
	ErrNotFound      = hint.New("CONTAINER_NOT_FOUND", "container not found", "run `status <app>` to see what runs now; the container may have been removed")
	ErrImageNotFound = hint.New("IMAGE_MISSING", "the release's image is gone from the engine", "push again to rebuild the release, or `deploy:image` it again")
	ErrNameInUse     = hint.New("CONTAINER_NAME_IN_USE", "container name already in use", "remove the old container first, or pick another name")
	ErrRootUser      = hint.New("ROOT_USER", "refusing to run as root", "add a `USER` line to your Dockerfile with a non-root user, e.g. `USER 1000:1000`")
	ErrInvalidSpec   = hint.New("INVALID_CONTAINER_SPEC", "invalid container spec", "this is a bug in botrunner's settings; check GITD_MEMORY, GITD_CPUS, GITD_PIDS and the network name")
)
