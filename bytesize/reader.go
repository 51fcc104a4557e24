package bytesize

import (
	"context"
	"errors"
	"io"
)

// ErrOverLimit is what a Reader returns once its source turns out to hold
// more than the limit.
var ErrOverLimit = errors.New("over the size limit")

// Reader reads at most N bytes of R. A source with more makes a read fail
// with ErrOverLimit and sets Over, so the caller can say "too large" rather
// than "truncated" whatever the layer above made of the error. With Ctx
// set, reads fail once it ends: a client that stops sending is not read
// from again.
type Reader struct {
	Ctx  context.Context // optional
	R    io.Reader
	N    int64 // bytes that may still be read
	Over bool  // R had more than the limit
}

func (l *Reader) Read(p []byte) (int, error) {
	if l.Ctx != nil {
		if err := l.Ctx.Err(); err != nil {
			return 0, err
		}
	}
	if l.N <= 0 {
		var one [1]byte
		if n, _ := l.R.Read(one[:]); n > 0 {
			l.Over = true
			return 0, ErrOverLimit
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.N {
		p = p[:l.N]
	}
	n, err := l.R.Read(p)
	l.N -= int64(n)
	return n, err
}
