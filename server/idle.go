package server

import (
	"io"
	"sync"
	"time"

	"github.com/gliderlabs/ssh"
)

// idleWatch closes an authenticated connection once the server has waited
// for its client for the idle timeout without hearing from it. The server
// waits while no session is doing server work: before the first command,
// between commands, and while every running command is blocked on the
// client (reading its stdin, or writing to a client that does not read).
// A command doing its own work — a build streaming progress, `logs -f`
// waiting for the bot's next line — is not waiting, however quiet the
// client is. Keepalive replies are not data: they never count.
type idleWatch struct {
	timeout time.Duration
	expire  func()

	mu       sync.Mutex
	started  bool
	stopped  bool
	working  int       // sessions doing server work
	waiting  bool      // a wait is in progress (working == 0)
	deadline time.Time // when the wait in progress runs out
	timer    *time.Timer
}

func newIdleWatch(timeout time.Duration, expire func()) *idleWatch {
	return &idleWatch{timeout: timeout, expire: expire}
}

// start begins the watch at authentication; nothing runs yet, so the
// server is waiting for the client's first command.
func (w *idleWatch) start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started || w.stopped {
		return
	}
	w.started = true
	w.timer = time.AfterFunc(w.timeout, w.fire)
	w.rearmLocked(true)
}

// stop ends the watch for good (the connection is closing).
func (w *idleWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
	}
}

// rearmLocked cancels the wait when a session works, and starts one when
// none does and none is running, or afresh when the client has just sent
// something (heard); w.mu is held.
func (w *idleWatch) rearmLocked(heard bool) {
	if !w.started || w.stopped {
		return
	}
	if w.working > 0 {
		w.waiting = false
		w.timer.Stop()
		return
	}
	if w.waiting && !heard {
		return
	}
	w.waiting = true
	w.deadline = time.Now().Add(w.timeout)
	w.timer.Reset(w.timeout)
}

// fire runs when the timer goes off. A session may have started working,
// or a new wait may have begun, since the timer was set: only a wait that
// has run its whole course closes the connection.
func (w *idleWatch) fire() {
	w.mu.Lock()
	if w.stopped || !w.waiting {
		w.mu.Unlock()
		return
	}
	if left := time.Until(w.deadline); left > 0 {
		w.timer.Reset(left)
		w.mu.Unlock()
		return
	}
	w.stopped = true
	w.mu.Unlock()
	w.expire()
}

// sessionWatch is one session's part of the watch: it works while its
// handler runs and no client I/O of it is blocked.
type sessionWatch struct {
	w       *idleWatch
	blocked int  // client reads and writes in progress
	ended   bool // the handler returned
}

// session registers a running session handler; call end when it returns.
func (w *idleWatch) session() *sessionWatch {
	s := &sessionWatch{w: w}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.working++
	w.rearmLocked(false)
	return s
}

// change applies f to the session's state and recounts the working
// sessions; heard says the client has just sent something (a read
// returned), so a wait in progress starts afresh.
func (s *sessionWatch) change(heard bool, f func()) {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	before := s.working()
	f()
	switch after := s.working(); {
	case before && !after:
		s.w.working--
	case !before && after:
		s.w.working++
	}
	s.w.rearmLocked(heard)
}

func (s *sessionWatch) working() bool { return !s.ended && s.blocked == 0 }

func (s *sessionWatch) end() { s.change(false, func() { s.ended = true }) }

// read and write mark the session as blocked on its client until the
// returned func is called. A read's end is the client talking.
func (s *sessionWatch) read() (done func()) {
	s.change(false, func() { s.blocked++ })
	return func() { s.change(true, func() { s.blocked-- }) }
}

func (s *sessionWatch) write() (done func()) {
	s.change(false, func() { s.blocked++ })
	return func() { s.change(false, func() { s.blocked-- }) }
}

// watchedSession is the session a handler sees: its stdin reads and its
// stdout and stderr writes tell the watch when the server waits for the
// client. A read blocked in the background counts as waiting too, so a
// handler must not keep one open while it works (to notice a client that
// hangs up, watch the context: it ends with the connection).
type watchedSession struct {
	ssh.Session
	w *sessionWatch
}

func (s *watchedSession) Read(p []byte) (int, error) {
	defer s.w.read()()
	return s.Session.Read(p)
}

func (s *watchedSession) Write(p []byte) (int, error) {
	defer s.w.write()()
	return s.Session.Write(p)
}

func (s *watchedSession) Stderr() io.ReadWriter {
	return &watchedStream{ReadWriter: s.Session.Stderr(), w: s.w}
}

type watchedStream struct {
	io.ReadWriter
	w *sessionWatch
}

func (s *watchedStream) Read(p []byte) (int, error) {
	defer s.w.read()()
	return s.ReadWriter.Read(p)
}

func (s *watchedStream) Write(p []byte) (int, error) {
	defer s.w.write()()
	return s.ReadWriter.Write(p)
}

// watchIdle wraps each session so the connection's idle watch sees it.
func (s *Server) watchIdle(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		lc, ok := sess.Context().Value(limitedConnKey).(*limitedConn)
		if !ok {
			next(sess)
			return
		}
		sw := lc.idle.session()
		defer sw.end()
		next(&watchedSession{Session: sess, w: sw})
	}
}
