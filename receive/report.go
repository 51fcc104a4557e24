package receive

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// reporter writes everything the pusher sees. With side-band-64k the report
// goes on band 1 and progress on band 2 ("remote: " lines); without it,
// progress goes to the session's stderr. One mutex keeps packets whole when
// the pipeline's progress and the keepalive write at once.
type reporter struct {
	mu       sync.Mutex
	out      io.Writer
	stderr   io.Writer
	sideband bool
	// small is git's plain side-band: packets of at most 1000 bytes.
	small bool
	pkt   []byte // one packet, reused under mu: a pack's bytes make no garbage
	// failed, if set, takes the errors explain would print: a server-made
	// push returns them to its command instead.
	failed func(error)
}

// Write sends progress; it never fails the push, a gone client is noticed
// through the context.
func (rp *reporter) Write(p []byte) (int, error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if !rp.sideband {
		if rp.stderr != nil {
			_, _ = rp.stderr.Write(p)
		}
		return len(p), nil
	}
	_ = rp.band(2, p)
	return len(p), nil
}

// smallBandPayload is the data in one plain side-band packet (1000 bytes
// with header and band byte).
const smallBandPayload = 1000 - 5

// band writes p on a side band, in as many packets as it takes.
func (rp *reporter) band(ch byte, p []byte) error {
	for len(p) > 0 {
		n := min(len(p), maxPktPayload-1)
		if rp.small {
			n = min(n, smallBandPayload)
		}
		if rp.pkt == nil {
			rp.pkt = make([]byte, maxPktLen)
		}
		pkt := fmt.Appendf(rp.pkt[:0], "%04x", n+5)
		pkt = append(append(pkt, ch), p[:n]...)
		if _, err := rp.out.Write(pkt); err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

func (rp *reporter) printf(format string, args ...any) {
	_, _ = fmt.Fprintf(rp, format, args...)
}

// keepalive sends an empty band-1 packet every interval until stop is
// called, as git's receive.keepAlive does: quiet builds keep the connection
// and the client's patience.
func (rp *reporter) keepalive(every time.Duration) (stop func()) {
	if !rp.sideband {
		return func() {}
	}
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				rp.mu.Lock()
				_, _ = rp.out.Write([]byte("0005\x01"))
				rp.mu.Unlock()
			}
		}
	}()
	// stop waits for the goroutine: a tick already taken must not write
	// after the report's final flush.
	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
		<-exited
	}
}

// status is the outcome of one command: "" for ok, else the reason.
type status struct {
	cmd    Command
	reason string
	err    error // the error behind reason, when there is one (server-made pushes return it)
}

// report writes report-status (if asked for) and the final flush.
func (rp *reporter) report(reportStatus bool, unpack string, st []status) error {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	var b strings.Builder
	if reportStatus {
		pw := pktWriter{&b}
		_ = pw.line("unpack %s\n", unpack)
		for _, s := range st {
			if s.reason == "" {
				_ = pw.line("ok %s\n", s.cmd.Name)
			} else {
				_ = pw.line("ng %s %s\n", s.cmd.Name, oneLine(s.reason))
			}
		}
		_ = pw.flush()
	}
	if rp.sideband && b.Len() > 0 {
		if err := rp.band(1, []byte(b.String())); err != nil {
			return err
		}
	} else if _, err := io.WriteString(rp.out, b.String()); err != nil {
		return err
	}
	if rp.sideband {
		return pktWriter{rp.out}.flush()
	}
	return nil
}

// oneLine makes a reason fit one report line.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
