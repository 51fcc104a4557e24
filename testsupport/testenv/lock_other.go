//go:build !unix

package testenv

import (
	"context"
	"sync"
)

var buildMu sync.Mutex

// lockFile only serialises builds inside this process where flock is
// missing; the images need a Linux engine anyway.
func lockFile(ctx context.Context, _ string) (func(), error) {
	buildMu.Lock()
	return buildMu.Unlock, nil
}
