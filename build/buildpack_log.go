package build

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"

	"github.com/buildpacks/pack/pkg/logging"
)

// packLogger is the logger pack reports to: step and phase output goes to
// the pusher as plain lines, debug detail and pack's warnings (written for
// its CLI's users, e.g. about --pull-policy) go to the server's log. It
// remembers the last step ("===> BUILDING") and the last error line a
// phase printed, to say what failed.
type packLogger struct {
	out *lineWriter
	log *slog.Logger

	mu        sync.Mutex
	phase     string
	lastError string
}

var _ logging.Logger = (*packLogger)(nil)

func (l *packLogger) Debug(msg string)               { l.log.Debug("pack", "msg", stripANSI(msg)) }
func (l *packLogger) Debugf(format string, v ...any) { l.Debug(fmt.Sprintf(format, v...)) }
func (l *packLogger) Info(msg string)                { l.info(msg) }
func (l *packLogger) Infof(format string, v ...any)  { l.info(fmt.Sprintf(format, v...)) }
func (l *packLogger) Warn(msg string)                { l.log.Warn("pack", "msg", stripANSI(msg)) }
func (l *packLogger) Warnf(format string, v ...any)  { l.Warn(fmt.Sprintf(format, v...)) }
func (l *packLogger) Error(msg string)               { l.writeLine("error: " + msg) }
func (l *packLogger) Errorf(format string, v ...any) { l.Error(fmt.Sprintf(format, v...)) }
func (l *packLogger) IsVerbose() bool                { return false }
func (l *packLogger) Writer() io.Writer              { return l.phaseWriter() }
func (l *packLogger) WriterForLevel(lv logging.Level) io.Writer {
	if lv == logging.DebugLevel {
		return io.Discard
	}
	return l.phaseWriter()
}

func (l *packLogger) info(msg string) {
	msg = stripANSI(msg)
	if step, ok := strings.CutPrefix(msg, "===> "); ok {
		l.mu.Lock()
		l.phase = strings.TrimSpace(step)
		l.mu.Unlock()
	}
	l.writeLine(msg)
}

func (l *packLogger) writeLine(s string) {
	_, _ = l.out.Write([]byte(strings.TrimRight(s, "\n") + "\n"))
}

// phaseWriter takes a phase container's output; the lines pass through
// and error lines are remembered.
func (l *packLogger) phaseWriter() io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		for _, line := range strings.Split(stripANSI(string(p)), "\n") {
			if i := strings.Index(line, "ERROR: "); i >= 0 {
				l.mu.Lock()
				l.lastError = strings.TrimSpace(line[i+len("ERROR: "):])
				l.mu.Unlock()
			}
		}
		return l.out.Write(p)
	})
}

// Phase is the step pack announced last, e.g. "BUILDING" ("" = none yet).
func (l *packLogger) Phase() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.phase
}

// LastError is the last "ERROR: …" a phase printed, without the prefix.
func (l *packLogger) LastError() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastError
}

// writerFunc is deliberately not an io.Closer: pack closes the writers it
// is given when a phase ends.
type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// ansi matches the colour and cursor sequences pack and buildpacks print
// for terminals; the pusher's git client is not one.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

// lineWriter passes whole lines to out, one Write each, without colour
// codes or carriage returns; the phases write from several goroutines.
type lineWriter struct {
	mu      sync.Mutex
	out     io.Writer
	partial []byte
}

func newLineWriter(out io.Writer) *lineWriter { return &lineWriter{out: out} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.emit(w.partial[:i])
		w.partial = w.partial[i+1:]
	}
	if len(w.partial) > maxLine {
		w.emit(w.partial)
		w.partial = w.partial[:0]
	}
	return len(p), nil
}

// Flush writes a last line that has no newline.
func (w *lineWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) > 0 {
		w.emit(w.partial)
		w.partial = w.partial[:0]
	}
}

func (w *lineWriter) emit(b []byte) {
	line := strings.TrimRight(stripANSI(string(b)), "\r")
	if i := strings.LastIndexByte(line, '\r'); i >= 0 {
		line = line[i+1:] // a progress line redrawn in place: keep what it ended as
	}
	fmt.Fprintln(w.out, line)
}
