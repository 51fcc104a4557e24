package receive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Git's pkt-line framing: four hex digits of length (including themselves),
// then the payload. "0000" is a flush. We write our own small reader because
// every read here must be bounded by the caller, which go-git's scanner is not.

const (
	maxPktLen     = 65520
	maxPktPayload = maxPktLen - 4
)

var (
	errFlush = errors.New("flush-pkt")
	// errDelim is protocol v2's delimiter packet, "0001".
	errDelim = errors.New("delim-pkt")
)

// pktReader reads pkt-lines and refuses to read more than budget bytes in all
// (plus the one header that shows the budget is spent).
type pktReader struct {
	r      io.Reader
	budget int
	delims bool  // protocol v2: "0001" is errDelim
	bad    error // the sentinel of a malformed packet; ErrBadRequest if nil
	buf    [maxPktLen]byte
}

func (p *pktReader) malformed() error {
	if p.bad != nil {
		return p.bad
	}
	return ErrBadRequest
}

// next returns the next payload (valid until the next call), or errFlush.
func (p *pktReader) next() ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(p.r, hdr[:]); err != nil {
		return nil, readErr(err)
	}
	n, err := strconv.ParseUint(string(hdr[:]), 16, 16)
	if err != nil {
		return nil, fmt.Errorf("pkt-line length %q: %w", hdr[:], p.malformed())
	}
	if n != 0 && !(n == 1 && p.delims) && (n < 4 || n > maxPktLen) {
		return nil, fmt.Errorf("pkt-line length %d: %w", n, p.malformed())
	}
	// Flushes count too: uncounted, they would let a client keep a reader
	// (upload-pack's negotiation loop) going forever.
	if p.budget -= max(int(n), 4); p.budget < 0 {
		return nil, fmt.Errorf("request section too long: %w", p.malformed())
	}
	if n == 0 {
		return nil, errFlush
	}
	if n == 1 {
		return nil, errDelim
	}
	size := int(n) - 4
	if _, err := io.ReadFull(p.r, p.buf[:size]); err != nil {
		return nil, readErr(err)
	}
	return bytes.TrimSuffix(p.buf[:size], []byte("\n")), nil
}

// readErr says why a pkt-line could not be read. The end of the client's
// input is ErrHungUp, no server error: git closes its side when it gives up
// on its own (a --signed or --atomic push it knows will fail, a --depth the
// server does not offer), in the middle of what it would have sent.
func readErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: read pkt-line: %w", ErrHungUp, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("read pkt-line: %w", err)
}

// pktWriter writes pkt-lines, splitting long payloads.
type pktWriter struct{ w io.Writer }

// bufferedPkt is a pktWriter over a buffer for a section of many lines (a
// ref advertisement): unbuffered, each line would be an SSH packet and a
// write of its own. endBuffered sends it.
func bufferedPkt(w io.Writer) (pktWriter, *bufio.Writer) {
	bw := bufio.NewWriterSize(w, 64<<10)
	return pktWriter{bw}, bw
}

// endBuffered ends a section begun with bufferedPkt: the flush packet,
// then everything buffered.
func endBuffered(pw pktWriter, bw *bufio.Writer) error {
	if err := pw.flush(); err != nil {
		return err
	}
	return bw.Flush()
}

func (p pktWriter) line(format string, args ...any) error {
	return p.raw([]byte(fmt.Sprintf(format, args...)))
}

func (p pktWriter) raw(payload []byte) error {
	if len(payload) > maxPktPayload {
		return fmt.Errorf("pkt-line payload of %d bytes", len(payload))
	}
	var hdr [4]byte
	copy(hdr[:], fmt.Sprintf("%04x", len(payload)+4))
	if _, err := p.w.Write(append(hdr[:], payload...)); err != nil {
		return err
	}
	return nil
}

func (p pktWriter) delim() error {
	_, err := p.w.Write([]byte("0001"))
	return err
}

func (p pktWriter) flush() error {
	_, err := p.w.Write([]byte("0000"))
	return err
}
