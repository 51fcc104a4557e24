package server

import (
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/gliderlabs/ssh"
)

// limiter caps connections per source address and the connections that
// have not authenticated yet (pre-auth slots), and shares the pre-auth
// slots fairly: one address holds at most preAuthPerIP of them, and when
// all are taken, a newcomer from an address that holds fewer than the
// greediest address takes that address's oldest slot. Idle TCP connects
// from a few addresses therefore cannot lock out a client from another
// address, however many they open or however long they stall.
type limiter struct {
	perIP        int
	preAuth      int
	preAuthPerIP int
	timeout      time.Duration
	idle         time.Duration
	log          *slog.Logger

	mu        sync.Mutex
	byIP      map[string]int // open connections per address
	pending   []*limitedConn // not authenticated yet, oldest first
	pendingIP map[string]int // len(pending) per address
}

func newLimiter(cfg Config, log *slog.Logger) *limiter {
	return &limiter{perIP: cfg.MaxConnsPerIP, preAuth: cfg.MaxHandshakes, preAuthPerIP: cfg.MaxHandshakesPerIP,
		timeout: cfg.HandshakeTimeout, idle: cfg.IdleTimeout, log: log,
		byIP: map[string]int{}, pendingIP: map[string]int{}}
}

type ctxKey struct{ name string }

var limitedConnKey = &ctxKey{"limited-conn"}

// accept is the ssh.ConnCallback: nil refuses the connection.
func (l *limiter) accept(ctx ssh.Context, c net.Conn) net.Conn {
	ip := hostOf(c.RemoteAddr())
	lc := &limitedConn{Conn: c, l: l, ip: ip}
	lc.idle = newIdleWatch(l.idle, lc.closeIdle)
	l.mu.Lock()
	victim, ok := l.admit(lc)
	if ok {
		// Under l.mu: the timer may fire (and take l.mu) before AfterFunc
		// has even returned.
		lc.timer = time.AfterFunc(l.timeout, lc.preAuthExpired)
	}
	l.mu.Unlock()
	if victim != nil {
		l.log.Debug("pre-auth slots full: closed the oldest unauthenticated connection of the busiest address",
			"closed", victim.ip, "for", ip)
		_ = victim.Conn.Close()
	}
	if !ok {
		return nil
	}
	ctx.SetValue(limitedConnKey, lc)
	return lc
}

// admit counts lc in, or says no; l.mu is held. When every pre-auth slot
// is taken it evicts the oldest pending connection of the address holding
// the most slots, if that address holds more than lc's does: the evicted
// connection is returned, already released, for the caller to close.
func (l *limiter) admit(lc *limitedConn) (victim *limitedConn, ok bool) {
	if l.byIP[lc.ip] >= l.perIP || l.pendingIP[lc.ip] >= l.preAuthPerIP {
		return nil, false
	}
	if len(l.pending) >= l.preAuth {
		if victim = l.greediest(l.pendingIP[lc.ip]); victim == nil {
			return nil, false
		}
		victim.releaseLocked()
	}
	l.byIP[lc.ip]++
	l.pending = append(l.pending, lc)
	l.pendingIP[lc.ip]++
	return victim, true
}

// greediest returns the oldest pending connection of the address with the
// most pending connections, if it has more than have; l.mu is held.
func (l *limiter) greediest(have int) *limitedConn {
	most := have
	for _, n := range l.pendingIP {
		most = max(most, n)
	}
	if most == have {
		return nil
	}
	for _, c := range l.pending {
		if l.pendingIP[c.ip] == most {
			return c
		}
	}
	return nil
}

func hostOf(a net.Addr) string {
	if h, _, err := net.SplitHostPort(a.String()); err == nil {
		return h
	}
	return a.String()
}

// connState is where a limitedConn is in its life.
type connState int

const (
	statePending connState = iota // holds a pre-auth slot
	stateAuthed                   // authenticated: watched for idleness
	stateClosed                   // slots given back
)

// limitedConn gives its slots back when it authenticates, runs out of
// pre-auth time, is evicted or closes, whichever comes first. Its state is
// guarded by l.mu.
type limitedConn struct {
	net.Conn
	l     *limiter
	ip    string
	timer *time.Timer
	idle  *idleWatch
	state connState
}

// authenticated frees the pre-auth slot and starts watching for idleness:
// from here the idle timeout, not the pre-auth timeout, applies.
func (c *limitedConn) authenticated() {
	c.l.mu.Lock()
	ok := c.state == statePending
	if ok {
		c.state = stateAuthed
		c.timer.Stop()
		c.l.unpend(c)
	}
	c.l.mu.Unlock()
	if ok {
		c.idle.start()
	}
}

// preAuthExpired closes the connection if it has not authenticated in
// time. The check and the release are one step under l.mu, so a client
// authenticating at that very moment is either authenticated or closed.
func (c *limitedConn) preAuthExpired() {
	c.l.mu.Lock()
	expired := c.state == statePending
	if expired {
		c.releaseLocked()
	}
	c.l.mu.Unlock()
	if expired {
		_ = c.Conn.Close()
	}
}

// closeIdle is the idle watch's verdict: the client kept the server
// waiting for the whole idle timeout.
func (c *limitedConn) closeIdle() {
	c.l.log.Info("closing idle connection", "remote", c.RemoteAddr().String(), "waited", c.l.idle)
	_ = c.Close()
}

func (c *limitedConn) Close() error {
	c.l.mu.Lock()
	c.releaseLocked()
	c.l.mu.Unlock()
	c.idle.stop()
	return c.Conn.Close()
}

// releaseLocked gives the connection's slots back, once; l.mu is held.
func (c *limitedConn) releaseLocked() {
	if c.state == stateClosed {
		return
	}
	if c.state == statePending {
		c.timer.Stop()
		c.l.unpend(c)
	}
	c.state = stateClosed
	if c.l.byIP[c.ip]--; c.l.byIP[c.ip] <= 0 {
		delete(c.l.byIP, c.ip)
	}
}

// unpend takes c off the pending list; l.mu is held.
func (l *limiter) unpend(c *limitedConn) {
	if i := slices.Index(l.pending, c); i >= 0 {
		l.pending = slices.Delete(l.pending, i, i+1)
	}
	if l.pendingIP[c.ip]--; l.pendingIP[c.ip] <= 0 {
		delete(l.pendingIP, c.ip)
	}
}
