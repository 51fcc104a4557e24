package server

import (
	"context"
	"sync"

	"github.com/gliderlabs/ssh"
)

// sessions counts running session handlers. gliderlabs/ssh's Shutdown waits
// for connections only; a push whose client hung up has no connection left
// but its handler is still cancelling the pipeline, dropping the quarantine
// and undoing a first push's app. Shutdown waits for those too, so that the
// store is not closed under them.
type sessions struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed while n == 0
}

func newSessions() *sessions {
	idle := make(chan struct{})
	close(idle)
	return &sessions{idle: idle}
}

// track wraps the outermost handler.
func (s *sessions) track(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		s.add(1)
		defer s.add(-1)
		next(sess)
	}
}

func (s *sessions) add(d int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 && d > 0 {
		s.idle = make(chan struct{})
	}
	if s.n += d; s.n == 0 {
		close(s.idle)
	}
}

// wait returns when no handler runs, or ctx's error when it ends first.
func (s *sessions) wait(ctx context.Context) error {
	s.mu.Lock()
	idle := s.idle
	s.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
