package server

import (
	"net"
	"sync"
	"time"

	"github.com/gliderlabs/ssh"
)

// limiter caps connections per source address and connections that have
// not yet started a session (unauthenticated handshakes), so that one host
// or a flood of half-open handshakes cannot starve everyone else.
type limiter struct {
	perIP     int
	handshake chan struct{}
	timeout   time.Duration

	mu   sync.Mutex
	byIP map[string]int
}

func newLimiter(perIP, handshakes int, timeout time.Duration) *limiter {
	return &limiter{perIP: perIP, handshake: make(chan struct{}, handshakes), timeout: timeout, byIP: map[string]int{}}
}

type ctxKey struct{ name string }

var limitedConnKey = &ctxKey{"limited-conn"}

// accept is the ssh.ConnCallback: nil refuses the connection.
func (l *limiter) accept(ctx ssh.Context, c net.Conn) net.Conn {
	ip := hostOf(c.RemoteAddr())
	l.mu.Lock()
	if l.byIP[ip] >= l.perIP {
		l.mu.Unlock()
		return nil
	}
	select {
	case l.handshake <- struct{}{}:
	default:
		l.mu.Unlock()
		return nil
	}
	l.byIP[ip]++
	l.mu.Unlock()
	lc := &limitedConn{Conn: c, l: l, ip: ip}
	// Under lc.mu: the timer may fire (and read lc.timer) before AfterFunc
	// has even returned.
	lc.mu.Lock()
	lc.timer = time.AfterFunc(l.timeout, lc.handshakeExpired)
	lc.mu.Unlock()
	ctx.SetValue(limitedConnKey, lc)
	return lc
}

func hostOf(a net.Addr) string {
	if h, _, err := net.SplitHostPort(a.String()); err == nil {
		return h
	}
	return a.String()
}

// limitedConn gives its slots back when the handshake is over or the
// connection closes, whichever comes first.
type limitedConn struct {
	net.Conn
	l     *limiter
	ip    string
	timer *time.Timer

	mu     sync.Mutex
	authed bool
	closed bool
}

// handshakeExpired closes the connection if it has not started a session
// in time. The check and the release are one step under c.mu, so a session
// starting at that very moment is either counted as started or closed.
func (c *limitedConn) handshakeExpired() {
	c.mu.Lock()
	expired := !c.authed && !c.closed
	if expired {
		c.releaseLocked()
	}
	c.mu.Unlock()
	if expired {
		_ = c.Conn.Close()
	}
}

// sessionStarted frees the handshake slot: the client proved a key.
func (c *limitedConn) sessionStarted() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.authed && !c.closed {
		c.authed = true
		c.timer.Stop()
		<-c.l.handshake
	}
}

func (c *limitedConn) Close() error {
	c.mu.Lock()
	c.releaseLocked()
	c.mu.Unlock()
	return c.Conn.Close()
}

// releaseLocked gives the connection's slots back, once; c.mu is held.
func (c *limitedConn) releaseLocked() {
	if c.closed {
		return
	}
	c.closed = true
	if !c.authed {
		c.timer.Stop()
		<-c.l.handshake
	}
	c.l.mu.Lock()
	if c.l.byIP[c.ip]--; c.l.byIP[c.ip] <= 0 {
		delete(c.l.byIP, c.ip)
	}
	c.l.mu.Unlock()
}
