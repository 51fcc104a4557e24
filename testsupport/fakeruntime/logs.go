package fakeruntime

import (
	"context"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// Logs returns the lines the container's process wrote. Following ends
// when the run that was going on stops, when ctx ends, or on Close.
func (d *Driver) Logs(ctx context.Context, id string, o runtime.LogOptions) (io.ReadCloser, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.takeFail("logs"); err != nil {
		return nil, err
	}
	c := d.find(id)
	if c == nil {
		return nil, notFound(id)
	}
	var lines []logLine
	for _, l := range c.logs {
		if !l.at.Before(o.Since) {
			lines = append(lines, l)
		}
	}
	if o.Tail > 0 && len(lines) > o.Tail {
		lines = lines[len(lines)-o.Tail:]
	}
	if !o.Follow || !c.st.Running {
		return io.NopCloser(strings.NewReader(format(lines, o))), nil
	}
	pr, pw := io.Pipe()
	f := &follower{PipeReader: pr, done: make(chan struct{})}
	fl := &following{d: d, c: c, run: c.run, next: len(c.logs), o: o, pw: pw, done: f.done, drop: d.drop}
	go fl.loop(ctx, format(lines, o))
	return f, nil
}

// DropLogs ends every log stream being followed, as an engine restart
// does, while the containers keep running (live-restore). Lines written
// meanwhile are kept: a later Logs call with Since gets them.
func (d *Driver) DropLogs() {
	d.mu.Lock()
	defer d.mu.Unlock()
	close(d.drop)
	d.drop = make(chan struct{})
}

// following is one follower's goroutine state.
type following struct {
	d         *Driver
	c         *ctr
	run, next int // the run followed; the next line to send
	o         runtime.LogOptions
	pw        *io.PipeWriter
	done      <-chan struct{}
	drop      <-chan struct{} // DropLogs
}

// loop writes first, then every later line of the run, until it ends.
func (f *following) loop(ctx context.Context, first string) {
	if _, err := io.WriteString(f.pw, first); err != nil {
		return
	}
	for {
		f.d.mu.Lock()
		fresh := append([]logLine(nil), f.c.logs[f.next:]...)
		f.next = len(f.c.logs)
		over := f.c.run != f.run || !f.c.st.Running
		changed := f.c.changed
		f.d.mu.Unlock()
		if _, err := io.WriteString(f.pw, format(fresh, f.o)); err != nil {
			return
		}
		if over {
			f.pw.Close()
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			f.pw.CloseWithError(ctx.Err())
			return
		case <-f.done:
			return
		case <-f.drop:
			f.pw.Close() // a plain end, as when the engine goes away
			return
		}
	}
}

// follower stops its goroutine on Close even when no line ever comes.
type follower struct {
	*io.PipeReader
	done chan struct{}
	once sync.Once
}

func (f *follower) Close() error {
	f.once.Do(func() { close(f.done) })
	return f.PipeReader.Close()
}

func format(lines []logLine, o runtime.LogOptions) string {
	var b strings.Builder
	for _, l := range lines {
		if o.Timestamps {
			b.WriteString(l.at.UTC().Format(time.RFC3339Nano))
			b.WriteByte(' ')
		}
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String()
}
