package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/receive"
)

// hangBound bounds waits for the server to act: reaching it is a hang,
// not a slow server.
const hangBound = 30 * time.Second

// silentConfig has a short idle timeout and keepalives much more frequent
// than it: the keepalive replies are all the traffic a silent client
// makes, and they must not keep it alive. The pre-auth timeout is long:
// what cuts an authenticated client is the idle timeout alone.
func silentConfig(c *Config) {
	c.IdleTimeout = time.Second
	c.Keepalive = 50 * time.Millisecond
	c.HandshakeTimeout = time.Hour
}

// workConfig has a short idle timeout and no keepalives in the test's
// time: whatever keeps a connection open is the server's work.
func workConfig(c *Config) {
	c.IdleTimeout = 500 * time.Millisecond
	c.Keepalive = time.Hour
}

// requireClosedByServer waits for the server to close c's connection.
func requireClosedByServer(t *testing.T, c *gossh.Client) {
	t.Helper()
	closed := make(chan struct{})
	go func() { _ = c.Wait(); close(closed) }()
	waitFor(t, closed, hangBound, "the server to close the silent connection")
}

// requireHandlersDone waits for every session handler to return.
func requireHandlersDone(t *testing.T, h *harness) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	require.NoError(t, h.srv.active.wait(ctx), "session handlers still running")
}

// silentSession starts command on a new connection, lets talk do its part
// of the exchange, then sends nothing more (stdin stays open) and checks
// that the server cuts the connection: the command never ends with an
// exit status.
func (h *harness) silentSession(command string, talk func(stdin io.Writer, stdout *bufio.Reader)) {
	t := h.t
	t.Helper()
	c, err := h.dial(h.admin)
	require.NoError(t, err)
	defer c.Close()
	sess, err := c.NewSession()
	require.NoError(t, err)
	stdin, err := sess.StdinPipe()
	require.NoError(t, err)
	stdout, err := sess.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, sess.Start(command))
	out := bufio.NewReader(stdout)
	talk(stdin, out)
	go func() { _, _ = io.Copy(io.Discard, out) }()
	requireClosedByServer(t, c)
	var missing *gossh.ExitMissingError
	assert.True(t, errors.As(sess.Wait(), &missing), "the command ended instead of being cut")
	requireHandlersDone(t, h)
}

// TestIdleSilentClientIsCut: an authenticated client that sends nothing is
// closed at the idle timeout in every phase in which the server waits for
// it, although it answers every keepalive.
func TestIdleSilentClientIsCut(t *testing.T) {
	h := newHarness(t, withConfig(silentConfig))
	dir := h.workRepo(h.admin, "my-bot")
	h.gitOK(h.admin, dir, "push", "-q", "bots", "main")
	tip := h.gitOK(h.admin, dir, "rev-parse", "HEAD")

	t.Run("before the first command, sending only its own keepalives", func(t *testing.T) {
		c, err := h.dial(h.admin)
		require.NoError(t, err)
		defer c.Close()
		go func() { // as OpenSSH's ServerAliveInterval does
			for {
				if _, _, err := c.SendRequest("keepalive@openssh.com", true, nil); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
		_, err = c.NewSession()
		require.NoError(t, err)
		requireClosedByServer(t, c)
	})
	t.Run("between commands", func(t *testing.T) {
		c, err := h.dial(h.admin)
		require.NoError(t, err)
		defer c.Close()
		sess, err := c.NewSession()
		require.NoError(t, err)
		require.NoError(t, sess.Run("whoami"))
		requireClosedByServer(t, c)
	})
	t.Run("a command waiting for stdin", func(t *testing.T) {
		h.withT(t).silentSession("keys:add", func(io.Writer, *bufio.Reader) {})
	})
	t.Run("upload-pack waiting for the client's wants", func(t *testing.T) {
		h.withT(t).silentSession("git-upload-pack '/my-bot'", func(_ io.Writer, out *bufio.Reader) {
			adv := readAdvertisement(t, out)
			assert.Equal(t, tip, adv["refs/heads/main"])
		})
	})
	t.Run("upload-pack mid-negotiation", func(t *testing.T) {
		h.withT(t).silentSession("git-upload-pack '/my-bot'", func(stdin io.Writer, out *bufio.Reader) {
			readAdvertisement(t, out)
			_, err := io.WriteString(stdin, pkt("want "+tip+" multi_ack_detailed side-band-64k\n")+"0000"+
				pkt("have "+strings.Repeat("1", 40)+"\n")+"0000")
			require.NoError(t, err)
			line, _, err := readPkt(out)
			require.NoError(t, err)
			assert.Equal(t, "NAK\n", string(line), "the round's answer; then the client says nothing")
		})
	})
}

// TestIdleStalledPushIsCut: a push that stops sending in the middle of its
// pack, or keeps its side open after the pack, is cut; the stalled pack
// leaves nothing behind.
func TestIdleStalledPushIsCut(t *testing.T) {
	h := newHarness(t, withConfig(silentConfig))
	dir := h.workRepo(h.admin, "my-bot")
	h.gitOK(h.admin, dir, "push", "-q", "bots", "main")
	base := h.gitOK(h.admin, dir, "rev-parse", "HEAD")
	tip := h.commit(h.admin, dir, "bot.py", "print('stalled')\n")
	pack := h.packOf(dir, tip, base)
	before := snapshot(t, h.repoDir("my-bot"))
	cmds := commands(plainCaps, base+" "+tip+" refs/heads/main")

	t.Run("mid-pack", func(t *testing.T) {
		h.withT(t).silentSession("git-receive-pack '/my-bot'", func(stdin io.Writer, out *bufio.Reader) {
			readAdvertisement(t, out)
			_, err := io.WriteString(stdin, cmds)
			require.NoError(t, err)
			_, err = stdin.Write(pack[:len(pack)/2])
			require.NoError(t, err)
		})
		head, err := h.repos.Head("my-bot", "refs/heads/main")
		require.NoError(t, err)
		assert.Equal(t, base, head.String())
		requireNoQuarantine(t, h.repoDir("my-bot"))
		assert.Equal(t, before, snapshot(t, h.repoDir("my-bot")), "the stalled push changed the repository")
	})
	t.Run("after the pack", func(t *testing.T) {
		c, err := h.dial(h.admin)
		require.NoError(t, err)
		defer c.Close()
		sess, err := c.NewSession()
		require.NoError(t, err)
		stdin, err := sess.StdinPipe()
		require.NoError(t, err)
		stdout, err := sess.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, sess.Start("git-receive-pack '/my-bot'"))
		out := bufio.NewReader(stdout)
		readAdvertisement(t, out)
		_, err = io.WriteString(stdin, cmds)
		require.NoError(t, err)
		_, err = stdin.Write(pack)
		require.NoError(t, err)
		go func() { _, _ = io.Copy(io.Discard, out) }()
		requireClosedByServer(t, c)
		requireHandlersDone(t, h)
		requireNoQuarantine(t, h.repoDir("my-bot"))
	})
}

// readAdvertisement reads a ref advertisement up to its flush and returns
// the refs by name.
func readAdvertisement(t *testing.T, r io.Reader) map[string]string {
	t.Helper()
	refs := map[string]string{}
	for {
		line, flush, err := readPkt(r)
		require.NoError(t, err, "advertisement")
		if flush {
			return refs
		}
		s, _, _ := strings.Cut(string(line), "\x00")
		id, name, _ := strings.Cut(strings.TrimSpace(s), " ")
		refs[name] = id
	}
}

// TestIdleServerWorkIsNotCut: with no keepalives in the test's time, a
// quiet pipeline and a quiet `logs -f` outlast the idle timeout many times
// over: the server is working, not waiting for the client.
func TestIdleServerWorkIsNotCut(t *testing.T) {
	work := 4 * 500 * time.Millisecond // four idle timeouts of workConfig
	t.Run("a quiet pipeline", func(t *testing.T) {
		h := newHarness(t, withConfig(workConfig))
		h.setPipeline(func(ctx context.Context, _ *receive.Push) error {
			select {
			case <-time.After(work):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		dir := h.workRepo(h.admin, "quiet-bot")
		r := h.git(h.admin, dir, "push", "bots", "main")
		require.Zero(t, r.code, r.String())
		assert.Equal(t, h.gitOK(h.admin, dir, "rev-parse", "HEAD"), h.remoteRef(h.admin, "quiet-bot", "refs/heads/main"))
	})
	t.Run("logs -f of a quiet bot", func(t *testing.T) {
		logs, err := logstore.Open(t.TempDir(), logstore.Options{})
		require.NoError(t, err)
		defer logs.Close()
		h := newHarness(t, withConfig(workConfig), withLogs(logs))
		r, err := h.goSSH(h.admin, "apps:create quiet-bot")
		require.NoError(t, err)
		require.Zero(t, r.code, r.String())

		c, err := h.dial(h.admin)
		require.NoError(t, err)
		defer c.Close()
		sess, err := c.NewSession()
		require.NoError(t, err)
		_, err = sess.StdinPipe() // a terminal's stdin: open, silent
		require.NoError(t, err)
		stdout, err := sess.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, sess.Start("logs -f -n 0 quiet-bot"))
		time.Sleep(work)
		require.NoError(t, logs.Append("quiet-bot", logstore.Line{Time: time.Now(), Release: 1,
			Stream: logstore.StreamStdout, Text: "still here"}))
		line := make(chan string, 1)
		go func() {
			l, _ := bufio.NewReader(stdout).ReadString('\n')
			line <- l
		}()
		assert.Equal(t, "[v1] still here\n", waitFor(t, line, hangBound, "the log line"))
	})
}

// TestKeepaliveClosesDeadPeer: a client that answers no keepalive is taken
// for dead and closed, even while the server works for it (here: `logs -f`,
// which the idle timeout never cuts).
func TestKeepaliveClosesDeadPeer(t *testing.T) {
	logs, err := logstore.Open(t.TempDir(), logstore.Options{})
	require.NoError(t, err)
	defer logs.Close()
	h := newHarness(t, withLogs(logs), withConfig(func(c *Config) {
		c.Keepalive = 200 * time.Millisecond
		c.IdleTimeout = time.Hour
	}))
	r, err := h.goSSH(h.admin, "apps:create dead-bot")
	require.NoError(t, err)
	require.Zero(t, r.code, r.String())

	nc, err := net.DialTimeout("tcp", h.addr, 10*time.Second)
	require.NoError(t, err)
	conn, chans, reqs, err := gossh.NewClientConn(nc, h.addr, &gossh.ClientConfig{
		User: "git", Auth: []gossh.AuthMethod{gossh.PublicKeys(h.admin.signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
	})
	require.NoError(t, err)
	go func() {
		for range reqs { // swallowed: no reply, as from a dead peer
		}
	}()
	noReqs := make(chan *gossh.Request)
	close(noReqs)
	c := gossh.NewClient(conn, chans, noReqs)
	defer c.Close()
	sess, err := c.NewSession()
	require.NoError(t, err)
	_, err = sess.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, sess.Start("logs -f dead-bot"))
	requireClosedByServer(t, c)
}
