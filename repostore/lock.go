package repostore

import (
	"context"
	"sync"
)

// lockSet hands out one lock per app, so that pushes to an app never
// interleave while pushes to different apps run side by side. Waiting honours
// the context: a client that gives up while queued leaves the queue.
type lockSet struct {
	mu sync.Mutex
	m  map[string]*appLock
}

type appLock struct {
	ch    chan struct{} // holds one token while the app is locked
	users int           // holders and waiters; the entry goes when it drops to 0
}

func newLockSet() *lockSet { return &lockSet{m: map[string]*appLock{}} }

// lock blocks until the app is free or ctx ends. onWait, if not nil, is
// called once when the caller has to wait.
func (s *lockSet) lock(ctx context.Context, app string, onWait func()) (unlock func(), err error) {
	s.mu.Lock()
	l := s.m[app]
	if l == nil {
		l = &appLock{ch: make(chan struct{}, 1)}
		s.m[app] = l
	}
	l.users++
	s.mu.Unlock()

	select {
	case l.ch <- struct{}{}:
	default:
		if onWait != nil {
			onWait()
		}
		select {
		case l.ch <- struct{}{}:
		case <-ctx.Done():
			s.release(app, l, false)
			return nil, ctx.Err()
		}
	}
	var once sync.Once
	return func() { once.Do(func() { s.release(app, l, true) }) }, nil
}

func (s *lockSet) release(app string, l *appLock, held bool) {
	if held {
		<-l.ch
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.users--; l.users == 0 {
		delete(s.m, app)
	}
}
