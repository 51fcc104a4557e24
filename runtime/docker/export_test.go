package docker

import (
	"log/slog"
	"sync"
)

// NewIsolated is New with a network lock of its own, as a Driver in
// another process would have: tests use it to race network creation.
func NewIsolated(c Client, log *slog.Logger) *Driver {
	d := New(c, log)
	d.netMu = new(sync.Mutex)
	return d
}
