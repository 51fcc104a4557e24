package cleanup

import (
	"context"
	"time"
)

// Context returns a context that outlives parent's cancellation and ends
// after timeout. Call the CancelFunc when the cleanup is done.
func Context(parent context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(parent), timeout)
}
