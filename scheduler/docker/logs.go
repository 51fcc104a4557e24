package docker

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/supervisor"
	"github.com/botrunner/botrunner/scheduler"
)

// Logs reads one container's output. A crash restart starts the same
// container again, so the previous run is the part of the current
// container's output written before its last start.
func (s *Scheduler) Logs(ctx context.Context, app string, o scheduler.LogOptions) (io.ReadCloser, error) {
	if o.Previous && o.Follow {
		return nil, scheduler.ErrPreviousFollow
	}
	id := o.Instance
	if id == "" {
		cs, err := s.rt.List(ctx, s.scope(app))
		if err != nil {
			return nil, engineError("list containers", err)
		}
		c, ok := supervisor.Current(cs)
		if !ok {
			return nil, scheduler.ErrNotFound
		}
		id = c.ID
	}
	ro := runtime.LogOptions{Follow: o.Follow, Tail: o.Tail, Since: o.Since, Timestamps: o.Timestamps}
	if o.Previous {
		return s.previous(ctx, id, ro)
	}
	rc, err := s.rt.Logs(ctx, id, ro)
	if errors.Is(err, runtime.ErrNotFound) {
		return nil, scheduler.ErrNotFound.With(scheduler.ErrNotFound.Msg, err)
	}
	return rc, err
}

// previous is the container's output from before its last start.
func (s *Scheduler) previous(ctx context.Context, id string, o runtime.LogOptions) (io.ReadCloser, error) {
	st, err := s.rt.Inspect(ctx, id)
	if errors.Is(err, runtime.ErrNotFound) {
		return nil, scheduler.ErrNotFound.With(scheduler.ErrNotFound.Msg, err)
	}
	if err != nil {
		return nil, engineError("inspect container", err)
	}
	rc, err := s.rt.Logs(ctx, id, runtime.LogOptions{Since: o.Since, Timestamps: true})
	if err != nil {
		return nil, engineError("read logs", err)
	}
	defer rc.Close()
	var lines []string
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		stamp, text, _ := strings.Cut(sc.Text(), " ")
		t, err := time.Parse(time.RFC3339Nano, stamp)
		if err != nil || !t.Before(st.StartedAt) {
			continue
		}
		if o.Timestamps {
			text = sc.Text()
		}
		lines = append(lines, text)
	}
	if o.Tail > 0 && len(lines) > o.Tail {
		lines = lines[len(lines)-o.Tail:]
	}
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return io.NopCloser(&b), sc.Err()
}
