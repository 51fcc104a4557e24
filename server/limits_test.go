package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/receive"
)

// rawConn opens a TCP connection that never starts the SSH handshake, and
// returns once the server has sent its banner: by then the server's
// connection callback has counted it.
func rawConn(t *testing.T, h *harness) net.Conn {
	t.Helper()
	c, admitted := rawConnFrom(t, h, "127.0.0.1")
	require.True(t, admitted, "the server refused the connection")
	return c
}

// rawConnFrom is rawConn from a source address of the loopback net; it
// reports whether the server admitted the connection (sent its banner)
// rather than closing it at once.
func rawConnFrom(t *testing.T, h *harness, ip string) (net.Conn, bool) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	c, err := d.Dial("tcp", h.addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	banner, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("the server neither sent its banner nor closed the connection")
		}
		return c, false
	}
	require.True(t, strings.HasPrefix(banner, "SSH-2.0-"), "banner %q", banner)
	require.NoError(t, c.SetReadDeadline(time.Time{}))
	return c, true
}

// requireLoginFrom logs in with the real OpenSSH client from a loopback
// source address and checks that the server saw the admin's key.
func (h *harness) requireLoginFrom(ip string) {
	h.t.Helper()
	r := h.sshCmd(h.admin, "", "whoami --json", "-b", ip)
	require.Zero(h.t, r.code, "login from %s: %s", ip, r)
	var who struct{ Fingerprint string }
	require.NoError(h.t, json.Unmarshal([]byte(r.stdout), &who), r.String())
	require.Equal(h.t, gossh.FingerprintSHA256(h.admin.signer.PublicKey()), who.Fingerprint)
}

// TestPreAuthFloodFromTwoAddresses is the flood of issue 9 item 10: 64
// stalled connects from two addresses (the old per-address cap, twice)
// with the default limits. Each address gets its few pre-auth slots and no
// more, so logins from other addresses go through at once.
func TestPreAuthFloodFromTwoAddresses(t *testing.T) {
	h := newHarness(t)
	admitted := map[string]int{}
	for _, ip := range []string{"127.0.0.2", "127.0.0.3"} {
		for range 32 {
			if _, ok := rawConnFrom(t, h, ip); ok {
				admitted[ip]++
			}
		}
	}
	assert.Equal(t, map[string]int{"127.0.0.2": 8, "127.0.0.3": 8}, admitted, "pre-auth slots per address")
	h.requireLoginFrom("127.0.0.1")
	h.requireLoginFrom("127.0.0.4")
}

// TestPreAuthSlotsAreShared: when stalled connections from several
// addresses take every pre-auth slot, a new address still gets in — it
// takes the oldest slot of the address that holds the most — and so do
// the real logins after it. An address at its own cap gets no more.
func TestPreAuthSlotsAreShared(t *testing.T) {
	h := newHarness(t, withConfig(func(c *Config) {
		c.MaxHandshakes = 6
		c.MaxHandshakesPerIP = 2
		c.HandshakeTimeout = time.Hour // the flood never expires here
	}))
	var first net.Conn
	for i, ip := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"} {
		for j := range 2 {
			c, ok := rawConnFrom(t, h, ip)
			require.True(t, ok, "%s #%d refused while slots were free", ip, j)
			if i == 0 && j == 0 {
				first = c
			}
		}
		_, ok := rawConnFrom(t, h, ip)
		require.False(t, ok, "%s got more than its share", ip)
	}
	// All six slots are taken. A newcomer evicts the oldest connection of
	// an address holding two.
	_, ok := rawConnFrom(t, h, "127.0.0.5")
	require.True(t, ok, "a new address was locked out")
	require.NoError(t, first.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err := io.Copy(io.Discard, first)
	require.NoError(t, err, "the oldest connection of the greediest address was not closed")

	h.requireLoginFrom("127.0.0.1")
	h.requireLoginFrom("127.0.0.6")
}

// requireRefused checks that the server closes a new connection at once,
// before its banner.
func requireRefused(t *testing.T, h *harness) {
	t.Helper()
	c, err := net.Dial("tcp", h.addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	n, err := c.Read(make([]byte, 64))
	assert.Zero(t, n, "the server sent a banner")
	require.Error(t, err)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server kept the connection open")
	}
	_, err = h.goSSH(h.admin, "whoami")
	assert.Error(t, err, "an SSH client got through")
}

func whoamiWorks(h *harness) bool {
	r, err := h.goSSH(h.admin, "whoami")
	return err == nil && r.code == 0
}

func TestMaxConnsPerIP(t *testing.T) {
	h := newHarness(t, withConfig(func(c *Config) { c.MaxConnsPerIP = 2 }))
	a := rawConn(t, h)
	rawConn(t, h)
	requireRefused(t, h)

	require.NoError(t, a.Close())
	require.Eventually(t, func() bool { return whoamiWorks(h) }, 10*time.Second, 20*time.Millisecond,
		"a freed slot is not given back")
}

func TestHandshakeTimeoutFreesSlot(t *testing.T) {
	h := newHarness(t, withConfig(func(c *Config) {
		c.MaxHandshakes = 1
		c.HandshakeTimeout = time.Second
	}))
	idle := rawConn(t, h)
	requireRefused(t, h)

	// The server drops the idle connection when its handshake time is up
	// (bounded wait: 10 s is a hang, not a slow server).
	require.NoError(t, idle.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err := io.Copy(io.Discard, idle)
	require.NoError(t, err, "the idle connection was not closed")
	require.True(t, whoamiWorks(h), "the handshake slot was not given back")

	// An authenticated connection no longer holds a handshake slot,
	// however long it stays open.
	c, err := h.dial(h.admin)
	require.NoError(t, err)
	defer c.Close()
	sess, err := c.NewSession()
	require.NoError(t, err)
	require.NoError(t, sess.Run("whoami"))
	require.True(t, whoamiWorks(h), "an authenticated connection still holds the handshake slot")
}

func TestGracefulShutdownLetsPushFinish(t *testing.T) {
	h := newHarness(t)
	started, release := make(chan struct{}), make(chan struct{})
	h.setPipeline(func(ctx context.Context, _ *receive.Push) error {
		close(started)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	dir := h.workRepo(h.admin, "my-bot")
	tip := h.gitOK(h.admin, dir, "rev-parse", "HEAD")
	push := h.command(h.admin, dir, "git", "push", "bots", "main")
	var out syncBuffer
	push.Stdout, push.Stderr = &out, &out
	require.NoError(t, push.Start())
	pushed := make(chan error, 1)
	go func() { pushed <- push.Wait() }()
	waitFor(t, started, 30*time.Second, "the pipeline to start")

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- h.srv.Shutdown(ctx)
	}()
	waitFor(t, h.serve.done, 10*time.Second, "Serve to return")
	require.ErrorIs(t, h.serve.err, ErrServerClosed)
	_, err := net.DialTimeout("tcp", h.addr, time.Second)
	assert.Error(t, err, "the listener still accepts")
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a push was running", err)
	default:
	}

	close(release)
	require.NoError(t, waitFor(t, pushed, 30*time.Second, "git push"), out.String())
	require.NoError(t, waitFor(t, shut, 15*time.Second, "Shutdown"))
	head, err := h.repos.Head("my-bot", "refs/heads/main")
	require.NoError(t, err)
	assert.Equal(t, tip, head.String())
}
