package server

import (
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
)

// handler serves one authenticated session and returns its exit status.
type handler func(sess ssh.Session, id auth.Identity) int

const extFingerprint = "botrunner-key-fp"

// publicKeyHandler accepts keys the store knows. It only answers "could this
// key log in": the client may offer keys it cannot prove, so nothing here is
// trusted later (CVE-2024-45337); authenticate decides inside the session.
func (s *Server) publicKeyHandler(ctx ssh.Context, key ssh.PublicKey) bool {
	id, err := s.deps.Auth.Identify(key)
	if err != nil {
		if s.deps.Observe != nil {
			s.deps.Observe.KeyRefused(ctx.RemoteAddr().String(), gossh.FingerprintSHA256(key))
		}
		return false
	}
	ctx.Permissions().Extensions = map[string]string{extFingerprint: id.Fingerprint}
	return true
}

// authenticate re-checks, inside the session, that the key the session
// reports is the key the handshake accepted, identifies it afresh (it may
// have been removed meanwhile) and starts keepalives. Nothing below runs
// for a session that fails here.
func (s *Server) authenticate(next handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer s.recoverSession(sess)
		key := sess.PublicKey()
		if key == nil || sess.Permissions().Extensions[extFingerprint] != gossh.FingerprintSHA256(key) {
			s.fail(sess, errKeyMismatch)
			return
		}
		id, err := s.deps.Auth.Identify(key)
		if err != nil {
			s.fail(sess, err)
			return
		}
		s.keepalive(sess)
		_ = sess.Exit(next(sess, id))
	}
}

// logged records each session's command, who ran it, its status and time.
// It logs the command name only: arguments may carry secrets (config:set).
func (s *Server) logged(next handler) handler {
	return func(sess ssh.Session, id auth.Identity) int {
		start := time.Now()
		code := next(sess, id)
		name := "(none)"
		if c := sess.Command(); len(c) > 0 {
			name = c[0]
		}
		s.log.Info("session", "user", id.String(), "remote", sess.RemoteAddr().String(),
			"command", name, "status", code, "took", time.Since(start).Round(time.Millisecond))
		if s.deps.Observe != nil {
			s.deps.Observe.SessionEnded(Session{User: id.String(), Remote: sess.RemoteAddr().String(),
				Command: sess.Command(), Status: code, Took: time.Since(start)})
		}
		return code
	}
}

func (s *Server) fail(sess ssh.Session, err error) {
	s.writeError(sess.Stderr(), err)
	_ = sess.Exit(1)
}

// writeError prints an error and its hint as every command does. Git's
// errors keep their wrapped detail (which ref, how large), but an error
// with no hint is ours, not the user's: it is logged, and the user is told
// no more than that, so no server path or internal state leaks.
func (s *Server) writeError(w io.Writer, err error) {
	if hint.Of(err) == nil {
		s.log.Error("internal error", "err", err)
		err = errInternal
	}
	fmt.Fprintf(w, "error: %s\n", err)
	if tip := hint.TipOf(err); tip != "" {
		fmt.Fprintf(w, "hint: %s\n", tip)
	}
}

var keepaliveStarted = &ctxKey{"keepalive"}

// keepaliveMissed unanswered keepalives in a row mark the client dead.
const keepaliveMissed = 3

// keepalive asks the client for a reply every interval, once per
// connection, and closes the connection when keepaliveMissed requests in a
// row go unanswered: that finds dead peers, also while the server streams
// to one. Replies do not count as the client talking (see idleWatch).
func (s *Server) keepalive(sess ssh.Session) {
	ctx := sess.Context()
	ctx.Lock()
	started := ctx.Value(keepaliveStarted) != nil
	if !started {
		ctx.SetValue(keepaliveStarted, true)
	}
	ctx.Unlock()
	conn, ok := ctx.Value(ssh.ContextKeyConn).(gossh.Conn)
	if started || !ok {
		return
	}
	go s.keepAlive(ctx, conn)
}

func (s *Server) keepAlive(ctx ssh.Context, conn gossh.Conn) {
	t := time.NewTicker(s.cfg.Keepalive)
	defer t.Stop()
	replied := make(chan struct{}, 1)
	pending, missed := false, 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-replied:
			pending, missed = false, 0
		case <-t.C:
			if pending {
				if missed++; missed >= keepaliveMissed {
					s.log.Info("closing dead connection: keepalives unanswered", "remote", conn.RemoteAddr().String())
					_ = conn.Close()
					return
				}
				continue
			}
			pending = true
			go func() {
				if _, _, err := conn.SendRequest("keepalive@openssh.com", true, nil); err == nil {
					replied <- struct{}{}
				}
			}()
		}
	}
}

// recoverSession turns a panic in one session into an internal error for
// that session alone: without it, one bad request would take gitd and
// every push in flight down.
func (s *Server) recoverSession(sess ssh.Session) {
	if r := recover(); r != nil {
		s.log.Error("panic in session", "panic", r, "stack", string(debug.Stack()))
		s.writeError(sess.Stderr(), errInternal)
		_ = sess.Exit(1)
	}
}
