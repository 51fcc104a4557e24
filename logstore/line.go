package logstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Streams a Line may come from.
const (
	StreamStdout = "stdout"
	StreamStderr = "stderr"
	StreamGitd   = "gitd" // gitd's own notes, e.g. "restarting after crash"
)

// Line is one log line of an app.
type Line struct {
	Time    time.Time // when gitd (or the engine) saw it, UTC
	Release int       // the release that wrote it; 0 = gitd itself (e.g. "restarting after crash")
	Stream  string    // "stdout" | "stderr" | "gitd"
	Text    string    // one line, no trailing newline, at most MaxLine bytes (longer lines are cut and marked)
}

// Query selects lines: the last N (0 = all kept; negative = none, which
// makes Follow deliver only new lines) that are not before Since (zero = any).
type Query struct {
	N     int
	Since time.Time
}

// record is a Line as stored: one JSON object per line of a segment file.
type record struct {
	T time.Time `json:"t"`
	R int       `json:"r"`
	S string    `json:"s"`
	X string    `json:"x"`
}

// maxRecord bounds the encoded size of a line of maxLine bytes: JSON escapes
// a byte to at most 6 ("\u0001", invalid UTF-8 as "\ufffd"), plus the fields.
func maxRecord(maxLine int) int64 { return 6*int64(maxLine) + 128 }

// normalize fills defaults, checks the stream and release, redacts the
// secrets (prepared) and cuts the text, in that order: a cut never leaves
// the start of a secret behind.
func normalize(l Line, maxLine int, secrets []string) (Line, error) {
	if l.Time.IsZero() {
		l.Time = time.Now()
	}
	l.Time = l.Time.UTC() // also drops the monotonic reading, as a stored line has none
	switch l.Stream {
	case "":
		l.Stream = StreamStdout
	case StreamStdout, StreamStderr, StreamGitd:
	default:
		return l, fmt.Errorf("%w: unknown stream %q", ErrBadLine, l.Stream)
	}
	if l.Release < 0 {
		return l, fmt.Errorf("%w: release %d", ErrBadLine, l.Release)
	}
	l.Text = CutLine(redactWith(strings.TrimRight(l.Text, "\r\n"), secrets), maxLine)
	return l, nil
}

// CutLine returns text cut to at most max bytes (at a rune boundary), marked
// with how many bytes were cut, e.g. "abc… [12345 bytes cut]".
func CutLine(text string, max int) string {
	if len(text) <= max {
		return text
	}
	// The marker for len(text) has at least as many digits as the real one.
	keep := max - len(cutMarker(len(text)))
	if keep < 0 {
		keep = 0
	}
	for keep > 0 && !utf8.RuneStart(text[keep]) {
		keep--
	}
	return text[:keep] + cutMarker(len(text)-keep)
}

func cutMarker(n int) string { return fmt.Sprintf("… [%d bytes cut]", n) }

// encode returns l as one segment line, newline included.
func encode(l Line) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<" stays one byte, not "\u003c"
	if err := enc.Encode(record{T: l.Time, R: l.Release, S: l.Stream, X: l.Text}); err != nil {
		return nil, fmt.Errorf("encode line: %w", err)
	}
	return b.Bytes(), nil
}

// decode parses one segment line (without its newline).
func decode(b []byte) (Line, bool) {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return Line{}, false
	}
	return Line{Time: r.T, Release: r.R, Stream: r.S, Text: r.X}, true
}

// droppedLine is what a slow follower sees in place of the lines it missed.
func droppedLine(n int) Line {
	return Line{Time: time.Now().UTC(), Stream: StreamGitd, Text: fmt.Sprintf("… %d lines dropped (slow reader)", n)}
}
