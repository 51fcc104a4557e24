package fakeruntime

import (
	"fmt"

	"github.com/botrunner/botrunner/runtime"
)

// The fake has no sentinels of its own: it answers with the runtime
// package's, as real drivers do. Tests inject others with Fail.

func notFound(id string) error {
	return runtime.ErrNotFound.With(fmt.Sprintf("container %s not found", id), nil)
}

func imageNotFound(image string) error {
	return runtime.ErrImageNotFound.With(fmt.Sprintf("image %s not found", image), nil)
}

func nameInUse(name string) error {
	return runtime.ErrNameInUse.With(fmt.Sprintf("container name %q already in use", name), nil)
}
