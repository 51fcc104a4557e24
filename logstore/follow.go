package logstore

import (
	"context"
	"fmt"
	"sync"
)

// follower is one Follow call's queue. Append pushes into it and never
// waits: past max queued lines it only counts what it drops.
type follower struct {
	max  int
	wake chan struct{} // capacity 1: "there is something to take"
	done chan struct{} // closed when the app is deleted or the store closed

	mu      sync.Mutex
	queue   []Line
	dropped int
}

func newFollower(max int) *follower {
	return &follower{max: max, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

func (f *follower) push(l Line) {
	f.mu.Lock()
	if len(f.queue) < f.max {
		f.queue = append(f.queue, l)
	} else {
		f.dropped++
	}
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take empties the queue. Lines are only dropped while it is full, so every
// dropped line came after every queued one: the marker goes last.
func (f *follower) take() []Line {
	f.mu.Lock()
	defer f.mu.Unlock()
	lines := f.queue
	if f.dropped > 0 {
		lines = append(lines, droppedLine(f.dropped))
	}
	f.queue, f.dropped = nil, 0
	return lines
}

// Follow returns the lines q selects (redacted as by Tail) and then every
// line appended after (redacted as it was written), on a channel that is
// closed when ctx ends, the app is deleted or the store is closed. A reader that falls more than FollowBuffer lines behind loses lines
// and gets "… N lines dropped (slow reader)" (stream "gitd") in their place;
// Append never waits for it. Query{N: -1} follows new lines only.
func (s *Store) Follow(ctx context.Context, app string, q Query) (<-chan Line, error) {
	a, err := s.app(app)
	if err != nil {
		return nil, err
	}
	secrets, err := s.forRead(a, app)
	if err != nil {
		return nil, err
	}
	f := newFollower(s.opts.FollowBuffer)
	past, err := collect(a.dir, a.snapshot(f), q)
	if err != nil {
		a.unsubscribe(f)
		return nil, fmt.Errorf("read log of %s: %w", app, err)
	}
	past = redactLines(past, secrets)
	out := make(chan Line, 64)
	go func() {
		defer close(out)
		defer a.unsubscribe(f)
		if send(ctx, out, past) {
			f.run(ctx, out)
		}
	}()
	return out, nil
}

// run forwards queued lines until ctx ends or the log goes away; what was
// queued before it went away is still delivered.
func (f *follower) run(ctx context.Context, out chan<- Line) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.done:
			send(ctx, out, f.take())
			return
		case <-f.wake:
			if !send(ctx, out, f.take()) {
				return
			}
		}
	}
}

// send delivers lines in order; false when ctx ended first.
func send(ctx context.Context, out chan<- Line, lines []Line) bool {
	for _, l := range lines {
		select {
		case out <- l:
		case <-ctx.Done():
			return false
		}
	}
	return true
}
