package server

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/botrunner/botrunner/store"
)

// firstPushes makes pushes to an app wait while the push that created it is
// still running. That push takes the app back if it stores nothing; without
// the wait, a second push could be accepted into the new repo in between and
// then be deleted with it (or find no repo yet, if it came before Create).
type firstPushes struct {
	mu sync.Mutex
	m  map[string]chan struct{} // closed when the creating push is done
}

func newFirstPushes() *firstPushes { return &firstPushes{m: map[string]chan struct{}{}} }

// target resolves the push target (auth's PushTarget) and, if it created
// the app, marks the app as being created until done is called. A push to
// an app being created waits for that push and then resolves again. Errors
// (an app the caller may not see) come back at once: waiting would tell
// them that the name is in use.
func (f *firstPushes) target(ctx context.Context, app string, stderr io.Writer,
	resolve func() (store.App, bool, error)) (a store.App, created bool, done func(), err error) {
	for {
		f.mu.Lock()
		a, created, err = resolve()
		if err != nil {
			f.mu.Unlock()
			return a, false, nil, err
		}
		if created {
			ch := make(chan struct{})
			f.m[app] = ch
			f.mu.Unlock()
			return a, true, func() { f.finish(app, ch) }, nil
		}
		ch, busy := f.m[app]
		f.mu.Unlock()
		if !busy {
			return a, false, func() {}, nil
		}
		fmt.Fprintf(stderr, "waiting for the first push to %s to finish\n", app)
		select {
		case <-ch:
		case <-ctx.Done():
			return a, false, nil, fmt.Errorf("wait for the first push: %w", ctx.Err())
		}
	}
}

func (f *firstPushes) finish(app string, ch chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, app)
	close(ch)
}
