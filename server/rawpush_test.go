package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"
)

// A hand-made receive-pack client, for what git will not send.

const zeroID = "0000000000000000000000000000000000000000"

func pkt(s string) string { return fmt.Sprintf("%04x%s", len(s)+4, s) }

// readPkt returns one pkt-line payload; flush is true for "0000".
func readPkt(r io.Reader) (payload []byte, flush bool, err error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, false, err
	}
	n, err := strconv.ParseUint(string(hdr[:]), 16, 16)
	if err != nil {
		return nil, false, fmt.Errorf("pkt-line length %q", hdr[:])
	}
	if n == 0 {
		return nil, true, nil
	}
	if n < 4 {
		return nil, false, fmt.Errorf("pkt-line length %d", n)
	}
	payload = make([]byte, n-4)
	_, err = io.ReadFull(r, payload)
	return payload, false, err
}

// rawPush is what a hand-made push got back.
type rawPush struct {
	code    int    // exit status; -1 if none came
	report  string // the report-status lines, without pkt framing
	stderr  string
	written int64 // bytes of the request the server took before it stopped
	werr    error // why writing the request stopped, if it did
}

func (p rawPush) String() string {
	return fmt.Sprintf("exit %d, wrote %d (%v)\nreport:\n%s\nstderr:\n%s", p.code, p.written, p.werr, p.report, p.stderr)
}

// receivePackRaw runs git-receive-pack for app over the Go SSH client: it
// reads the advertisement (refs by name), lets send write the request
// (commands, then the pack) and closes stdin, then collects the report (the
// request asks for report-status without side-band, so progress and errors
// arrive on stderr). The whole exchange is bounded by clientTimeout.
func (h *harness) receivePackRaw(key clientKey, app string, send func(w io.Writer, refs map[string]string) error) rawPush {
	h.t.Helper()
	c, err := h.dial(key)
	require.NoError(h.t, err)
	defer c.Close()
	watchdog := time.AfterFunc(clientTimeout, func() { _ = c.Close() })
	defer watchdog.Stop()
	sess, err := c.NewSession()
	require.NoError(h.t, err)
	stdin, err := sess.StdinPipe()
	require.NoError(h.t, err)
	stdout, err := sess.StdoutPipe()
	require.NoError(h.t, err)
	var stderr syncBuffer
	sess.Stderr = &stderr
	require.NoError(h.t, sess.Start("git-receive-pack '/"+app+"'"))

	out := bufio.NewReader(stdout)
	refs := map[string]string{}
	for {
		line, flush, err := readPkt(out)
		require.NoError(h.t, err, "advertisement; stderr: %s", stderr.String())
		if flush {
			break
		}
		line, _, _ = bytes.Cut(line, []byte{0})
		id, name, _ := strings.Cut(strings.TrimSpace(string(line)), " ")
		refs[name] = id
	}

	res := rawPush{code: -1}
	cw := &countingWriter{w: stdin}
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		res.werr = send(cw, refs)
		_ = stdin.Close()
	}()
	var report strings.Builder
	for {
		line, flush, err := readPkt(out)
		if err != nil || flush {
			break
		}
		report.Write(line)
	}
	_, _ = io.Copy(io.Discard, out)
	var ee *gossh.ExitError
	if err := sess.Wait(); err == nil {
		res.code = 0
	} else if errors.As(err, &ee) {
		res.code = ee.ExitStatus()
	}
	_ = c.Close() // unblocks a writer the server stopped reading
	<-sent
	res.report, res.stderr, res.written = report.String(), stderr.String(), cw.n
	return res
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// update is one command line of a push with the capabilities git would ask
// for here (first line only), then the flush.
func commands(caps string, lines ...string) string {
	var b strings.Builder
	for i, l := range lines {
		if i == 0 {
			l += "\x00" + caps
		}
		b.WriteString(pkt(l + "\n"))
	}
	return b.String() + "0000"
}

const plainCaps = "report-status ofs-delta agent=test"

// sendAll writes the parts in order.
func sendAll(parts ...[]byte) func(io.Writer, map[string]string) error {
	return func(w io.Writer, _ map[string]string) error {
		for _, p := range parts {
			if _, err := w.Write(p); err != nil {
				return err
			}
		}
		return nil
	}
}
