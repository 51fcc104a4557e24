package server

import (
	"bufio"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dulwich, libgit2 and JGit send their pack and keep their side of the
// session open while they wait for the report, as the protocol allows. The
// server reads exactly one pack, reports at once and ends the session: it
// never waits for the client's end of input.
func TestReportWhileStdinOpen(t *testing.T) {
	h := newHarness(t)
	const app = "open-bot"
	_, old, next, pack := pushSetup(h, app, "some data\n")

	c, err := h.dial(h.admin)
	require.NoError(t, err)
	defer c.Close()
	watchdog := time.AfterFunc(clientTimeout, func() { _ = c.Close() })
	defer watchdog.Stop()
	sess, err := c.NewSession()
	require.NoError(t, err)
	stdin, err := sess.StdinPipe()
	require.NoError(t, err)
	defer stdin.Close() // only when the test ends
	stdout, err := sess.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, sess.Start("git-receive-pack '/"+app+"'"))

	out := bufio.NewReader(stdout)
	for {
		_, flush, err := readPkt(out)
		require.NoError(t, err, "advertisement")
		if flush {
			break
		}
	}
	_, err = stdin.Write([]byte(commands(plainCaps, old+" "+next+" refs/heads/main")))
	require.NoError(t, err)
	_, err = stdin.Write(pack)
	require.NoError(t, err)

	var report strings.Builder
	for {
		line, flush, err := readPkt(out)
		require.NoError(t, err, "report so far: %q", report.String())
		if flush {
			break
		}
		report.Write(line)
	}
	assert.Contains(t, report.String(), "unpack ok\n")
	assert.Contains(t, report.String(), "ok refs/heads/main\n")
	require.NoError(t, sess.Wait(), "the session ends with stdin still open")
	assert.Equal(t, next, h.remoteRef(h.admin, app, "refs/heads/main"))
	requireNoQuarantine(t, h.repoDir(app))
}
