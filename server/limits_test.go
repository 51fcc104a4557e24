package server

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/receive"
)

// rawConn opens a TCP connection that never starts the SSH handshake, and
// returns once the server has sent its banner: by then the server's
// connection callback has counted it.
func rawConn(t *testing.T, h *harness) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", h.addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	banner, err := bufio.NewReader(c).ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(banner, "SSH-2.0-"), "banner %q", banner)
	require.NoError(t, c.SetReadDeadline(time.Time{}))
	return c
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

	// A connection that has started a session no longer holds a handshake
	// slot, however long it stays open.
	c, err := h.dial(h.admin)
	require.NoError(t, err)
	defer c.Close()
	sess, err := c.NewSession()
	require.NoError(t, err)
	require.NoError(t, sess.Run("whoami"))
	require.True(t, whoamiWorks(h), "an authenticated connection still holds the handshake slot")
}

func TestKeepaliveCarriesQuietBuild(t *testing.T) {
	quiet := func(ctx context.Context, _ *receive.Push) error {
		select {
		case <-time.After(3 * time.Second):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for _, tc := range []struct {
		name      string
		keepalive time.Duration
		ok        bool
	}{
		{"with keepalives", 100 * time.Millisecond, true},
		{"without keepalives the idle timeout cuts it", time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, withConfig(func(c *Config) {
				c.Keepalive = tc.keepalive
				c.IdleTimeout = time.Second
			}))
			h.setPipeline(quiet)
			dir := h.workRepo(h.admin, "quiet-bot")
			r := h.git(h.admin, dir, "push", "bots", "main")
			if !tc.ok {
				assert.NotZero(t, r.code, r.String())
				return
			}
			require.Zero(t, r.code, r.String())
			assert.Equal(t, h.gitOK(h.admin, dir, "rev-parse", "HEAD"), h.remoteRef(h.admin, "quiet-bot", "refs/heads/main"))
		})
	}
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
