package logstore

import (
	"bytes"
	"cmp"
	"io"
	"slices"
	"strings"
	"sync"
)

// Redacted replaces each secret value in redacted output.
const Redacted = "[redacted]"

// MinSecret is the shortest value Redact hides: shorter ones ("1", "true")
// would redact ordinary text and reveal the value by where they appear.
const MinSecret = 4

// Redact returns text with every secret value of at least MinSecret bytes
// replaced by "[redacted]". Matches of several secrets that overlap or touch
// are hidden as one, so no part of a longer secret is left showing. Each
// line of a multi-line secret (a PEM key) is also hidden on its own.
func Redact(text string, secrets []string) string {
	return redactWith(text, prepare(secrets))
}

// prepare returns the values worth matching, longest first, without repeats.
func prepare(secrets []string) []string {
	var out []string
	for _, s := range secrets {
		out = append(out, s)
		if strings.ContainsAny(s, "\r\n") {
			out = append(out, strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' })...)
		}
	}
	out = slices.DeleteFunc(out, func(s string) bool { return len(s) < MinSecret })
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return slices.Compact(out)
}

func redactWith(text string, secrets []string) string {
	sp := spans(text, secrets)
	if len(sp) == 0 {
		return text
	}
	var b strings.Builder
	prev := 0
	for _, s := range sp {
		b.WriteString(text[prev:s[0]])
		b.WriteString(Redacted)
		prev = s[1]
	}
	b.WriteString(text[prev:])
	return b.String()
}

// spans returns where secrets occur in text, merged: sorted, disjoint and
// not touching.
func spans(text string, secrets []string) [][2]int {
	var sp [][2]int
	for _, s := range secrets {
		for i := 0; i < len(text); {
			j := strings.Index(text[i:], s)
			if j < 0 {
				break
			}
			sp = append(sp, [2]int{i + j, i + j + len(s)})
			i += j + 1 // overlapping matches too: "aaaaa" holds "aaaa" twice
		}
	}
	if len(sp) < 2 {
		return sp
	}
	slices.SortFunc(sp, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	out := sp[:1]
	for _, s := range sp[1:] {
		if last := &out[len(out)-1]; s[0] <= last[1] {
			last[1] = max(last[1], s[1])
		} else {
			out = append(out, s)
		}
	}
	return out
}

// redactorHold bounds how much of a line without an end a Redactor holds.
const redactorHold = 64 << 10

// Redactor is an io.Writer that redacts secrets from a stream before
// passing it on (build output to a pusher). It holds back the current line
// until its end ("\n" or "\r"), so a secret split across Write calls is still
// found; Flush or Close passes on what is held. Safe for concurrent use.
type Redactor struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
	longest int
	buf     []byte
	err     error
}

var _ io.WriteCloser = (*Redactor)(nil)

// NewRedactor returns a Redactor writing to w.
func NewRedactor(w io.Writer, secrets []string) *Redactor {
	r := &Redactor{w: w, secrets: prepare(secrets)}
	if len(r.secrets) > 0 {
		r.longest = len(r.secrets[0])
	}
	return r
}

// Write takes all of p; it passes on every complete line, redacted.
func (r *Redactor) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return 0, r.err
	}
	r.buf = append(r.buf, p...)
	if i := bytes.LastIndexAny(r.buf, "\r\n"); i >= 0 {
		r.emit(i + 1)
	}
	if len(r.buf) > redactorHold {
		r.emit(r.safeCut())
	}
	return len(p), r.err
}

// safeCut is where a long line may be split: no secret that could still be
// completing starts before it, and no found secret straddles it.
func (r *Redactor) safeCut() int {
	cut := len(r.buf) - max(r.longest-1, 0)
	for _, s := range spans(string(r.buf), r.secrets) {
		if s[0] < cut && cut < s[1] {
			return s[0]
		}
	}
	return cut
}

// emit passes on the first n held bytes, redacted.
func (r *Redactor) emit(n int) {
	out := redactWith(string(r.buf[:n]), r.secrets)
	r.buf = append(r.buf[:0], r.buf[n:]...)
	if _, err := io.WriteString(r.w, out); err != nil {
		r.err = err
	}
}

// Flush passes on what is held, redacted, even without a line end.
func (r *Redactor) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil && len(r.buf) > 0 {
		r.emit(len(r.buf))
	}
	return r.err
}

// Close flushes. It does not close the underlying writer.
func (r *Redactor) Close() error { return r.Flush() }
