package logstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
)

// Append adds one line to the app's log, dropping the oldest segments when
// the log would pass MaxBytesPerApp. A zero Time means now, an empty Stream
// "stdout"; trailing newlines are trimmed, secret values redacted, and text
// past MaxLine is cut and marked. Followers get the line (as stored)
// without Append waiting for them. When the secret values cannot be read,
// nothing is written.
func (s *Store) Append(app string, l Line) error {
	for {
		a, err := s.app(app)
		if err != nil {
			return err
		}
		secrets, err := s.forWrite(a, app, l.Release)
		if err != nil {
			return err
		}
		l, err := normalize(l, s.opts.MaxLine, secrets)
		if err != nil {
			return err
		}
		rec, err := encode(l)
		if err != nil {
			return err
		}
		ok, err := a.append(rec, l, s.opts.MaxBytesPerApp)
		if err != nil {
			return fmt.Errorf("append to log of %s: %w", app, err)
		}
		if ok {
			return nil
		}
		// Deleted or closed under us: a deleted app starts a new log, a
		// closed store answers ErrClosed.
	}
}

// Tail returns the app's lines that match q, oldest first, with every
// secret value known now redacted. An app without logs has no lines (and
// no error): the store does not know which apps exist.
func (s *Store) Tail(app string, q Query) ([]Line, error) {
	a, err := s.app(app)
	if err != nil {
		return nil, err
	}
	secrets, err := s.forRead(a, app)
	if err != nil {
		return nil, err
	}
	lines, err := collect(a.dir, a.snapshot(nil), q)
	if err != nil {
		return nil, fmt.Errorf("read log of %s: %w", app, err)
	}
	return redactLines(lines, secrets), nil
}

// redactLines redacts lines in place (secrets prepared) and returns them.
func redactLines(lines []Line, secrets []string) []Line {
	if len(secrets) == 0 {
		return lines
	}
	for i := range lines {
		lines[i].Text = redactWith(lines[i].Text, secrets)
	}
	return lines
}

// collect reads segments newest first, each backwards, until it has q.N
// lines or has passed q.Since. Lines are taken to be in time order with a
// segment's slack: the scan finishes the segment where it first meets a line
// before Since, then stops.
func collect(dir string, segs []segment, q Query) ([]Line, error) {
	if q.N < 0 {
		return nil, nil
	}
	var rev []Line
	older, full := false, false
	keep := func(b []byte) bool {
		l, ok := decode(b)
		switch {
		case !ok: // a damaged line costs only itself
		case l.Time.Before(q.Since):
			older = true
		default:
			rev = append(rev, l)
			full = q.N > 0 && len(rev) == q.N
		}
		return !full
	}
	for i := len(segs) - 1; i >= 0 && !older && !full; i-- {
		if err := scanSegment(segPath(dir, segs[i].seq), segs[i].size, keep); err != nil {
			return nil, err
		}
	}
	slices.Reverse(rev)
	return rev, nil
}

// scanChunk is how much of a segment scanSegment reads at a time.
const scanChunk = 64 << 10

// scanSegment calls fn with each line (without its newline) of the first
// size bytes of a segment, newest first, until fn returns false. Those bytes
// were complete at the snapshot; a segment dropped since reads as empty.
func scanSegment(path string, size int64, fn func([]byte) bool) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	var pending []byte // a line's end whose start is in an earlier chunk
	for end := size; end > 0; {
		start := max(end-scanChunk, 0)
		buf := make([]byte, end-start, end-start+int64(len(pending)))
		n, err := f.ReadAt(buf, start)
		if n < len(buf) && errors.Is(err, io.EOF) {
			return nil // shorter than the snapshot: deleted and begun anew
		}
		if n < len(buf) {
			return err
		}
		buf = append(buf, pending...)
		e := len(buf)
		for e > 0 {
			s := bytes.LastIndexByte(buf[:e-1], '\n') + 1
			if s == 0 && start > 0 {
				break
			}
			if !fn(buf[s : e-1]) {
				return nil
			}
			e = s
		}
		pending, end = buf[:e], start
	}
	return nil
}
