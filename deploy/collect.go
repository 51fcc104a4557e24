package deploy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/scheduler"
)

// LogSink keeps apps' logs (logstore.Store).
type LogSink interface {
	Append(app string, l logstore.Line) error
	Tail(app string, q logstore.Query) ([]logstore.Line, error)
	SaveBuild(app string, release int, log []byte) error
	Delete(app string) error
}

// collector copies the output of running bots into the app's log, one
// follower per run (a container, a task). A run's stream ends when it
// stops; whoever starts it again attaches again (a deploy, the scheduler's
// crash restarts: EventStarted). A stream that ends while its run still
// goes on (an engine restart with live-restore, a dropped connection) is
// followed again from its last line; and after each reconnection to its
// engine the scheduler names the running bots (EventRunning), which are
// attached again if nothing follows them (adoption at gitd start is the
// first of these).
type collector struct {
	sched scheduler.Scheduler
	sink  LogSink
	log   *slog.Logger // where lines that could not be kept are counted
	mu    sync.Mutex
	on    map[string]bool // container IDs being followed
	// trouble is, per app, what keeps its output from its log, for
	// `status` to show; nil until the first trouble.
	trouble map[string]logTrouble
}

// logTrouble is what went wrong keeping an app's output. A follow that
// cannot start is forgotten once a line is kept again; lost lines are said
// while gitd runs, so the user learns their log has a gap.
type logTrouble struct {
	since time.Time
	lost  int    // lines the log store refused
	err   string // the last error
}

func (t logTrouble) String() string {
	if t.lost > 0 {
		return fmt.Sprintf("%d lines of output lost since %s: %s", t.lost, t.since.UTC().Format(time.RFC3339), t.err)
	}
	return fmt.Sprintf("output not collected since %s: %s", t.since.UTC().Format(time.RFC3339), t.err)
}

// failed notes a trouble with app's output: lost lines (0 for a stream
// that cannot be opened) and why. gitd's log says it at ERROR once, when
// the app's output goes from kept to not kept.
func (c *collector) failed(app string, release, lost int, err error) {
	c.mu.Lock()
	t, had := c.trouble[app]
	if !had {
		if c.trouble == nil {
			c.trouble = map[string]logTrouble{}
		}
		t.since = time.Now()
	}
	t.lost += lost
	t.err = err.Error()
	c.trouble[app] = t
	c.mu.Unlock()
	if !had {
		c.log.Error("bot output not kept in the app's log", "app", app, "release", release, "err", err)
	}
}

// kept notes that a line of app's output was kept: a trouble without lost
// lines is over.
func (c *collector) kept(app string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.trouble[app]; ok && t.lost == 0 {
		delete(c.trouble, app)
	}
}

// troubleOf says what keeps app's output from its log; "" = nothing.
func (c *collector) troubleOf(app string) string {
	if c == nil {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.trouble[app]; ok {
		return t.String()
	}
	return ""
}

// forget drops what is known of a destroyed app.
func (c *collector) forget(app string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.trouble, app)
}

// attach follows container id of app's release from since (zero: all it
// has), unless it is followed already.
func (c *collector) attach(app string, release int, id string, since time.Time) {
	if c == nil || c.sink == nil {
		return
	}
	c.mu.Lock()
	if c.on[id] {
		c.mu.Unlock()
		return
	}
	c.on[id] = true
	c.mu.Unlock()
	go c.follow(app, release, id, since)
}

// drained waits, at most max, until container id's output is no longer
// being copied: all its lines are in the log. A run that just ended has
// printed its last lines (a traceback) into a stream the follower may
// still be reading.
func (c *collector) drained(id string, max time.Duration) {
	if c == nil {
		return
	}
	for deadline := time.Now().Add(max); c.following(id) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
}

// following reports whether container id's output is being copied.
func (c *collector) following(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.on[id]
}

// How long follow waits before it follows a stream again that ended while
// its container ran: doubling from refollowMin while no line comes.
const (
	refollowMin = 500 * time.Millisecond
	refollowMax = 30 * time.Second
)

// follow copies the container's lines from since until it stops running
// or is gone; a stream that ends before is followed again after its last
// line.
func (c *collector) follow(app string, release int, id string, since time.Time) {
	defer func() {
		c.mu.Lock()
		delete(c.on, id)
		c.mu.Unlock()
	}()
	for wait := refollowMin; ; wait = min(2*wait, refollowMax) {
		last, got := c.copy(app, release, id, since)
		if got {
			since, wait = last.Add(time.Nanosecond), refollowMin
		}
		if c.over(app, id) {
			return
		}
		time.Sleep(wait)
	}
}

// maxLogLine bounds one line read from a bot; the rest of a longer line
// is dropped (the log store cuts lines much shorter still).
const maxLogLine = 1 << 20

// copy appends the container's lines from since to the app's log until
// the stream ends; it returns the last line's time, if a line came. A
// stream that cannot be opened and lines the log store refuses (a full
// disk) are said in gitd's log and in the app's status (failed), never
// dropped without a word.
func (c *collector) copy(app string, release int, id string, since time.Time) (time.Time, bool) {
	rc, err := c.sched.Logs(context.Background(), app, scheduler.LogOptions{Instance: id, Follow: true, Since: since, Timestamps: true})
	if err != nil {
		if !errors.Is(err, scheduler.ErrNotFound) {
			c.failed(app, release, 0, fmt.Errorf("cannot follow container %s: %w", id, err))
		}
		return since, false
	}
	defer rc.Close()
	r := bufio.NewReaderSize(rc, 64<<10)
	last, got, lost := since, false, 0
	defer func() {
		if lost > 0 {
			c.log.Warn("bot output lost: the log store refused lines", "app", app, "release", release, "lines", lost)
		}
	}()
	for {
		line, err := readLine(r, maxLogLine)
		if line != "" || err == nil {
			t, text := splitStamp(line)
			if aerr := c.sink.Append(app, logstore.Line{Time: t, Release: release, Stream: logstore.StreamStdout, Text: text}); aerr != nil {
				lost++
				c.failed(app, release, 1, fmt.Errorf("the log store refuses lines: %w", aerr))
			} else {
				c.kept(app)
			}
			last, got = t, true
		}
		if err != nil {
			return last, got
		}
	}
}

// readLine reads up to and without the next newline, keeping at most max
// bytes of it.
func readLine(r *bufio.Reader, max int) (string, error) {
	var b []byte
	for {
		frag, err := r.ReadSlice('\n')
		b = append(b, frag[:min(len(frag), max-len(b))]...)
		if err != bufio.ErrBufferFull {
			return strings.TrimRight(string(b), "\r\n"), err
		}
	}
}

// over reports whether the run's output has ended for good: it is not
// running, or gone. An engine that does not answer (it may be restarting)
// does not say so.
func (c *collector) over(app, id string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := c.sched.Status(ctx, app)
	if err != nil {
		return errors.Is(err, scheduler.ErrNotFound)
	}
	for _, in := range st.Instances {
		if in.ID == id {
			return !in.Running
		}
	}
	return true
}

// splitStamp takes the engine's RFC 3339 timestamp off a line.
func splitStamp(line string) (time.Time, string) {
	stamp, text, ok := strings.Cut(line, " ")
	if !ok {
		stamp, text = line, ""
	}
	t, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		return time.Now(), line
	}
	return t, text
}

// gitdLine writes one of gitd's own notes into the app's log.
func (d *Engine) gitdLine(app string, release int, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	d.log.Info(text, "app", app)
	if d.logs.sink != nil {
		if err := d.logs.sink.Append(app, logstore.Line{Release: release, Stream: logstore.StreamGitd, Text: text}); err != nil {
			d.log.Error("gitd's note not kept in the app's log", "app", app, "err", err)
		}
	}
}

// lastLogTime is when the app's log last heard from release, so that a
// follower attached again (after a gitd restart) does not repeat lines.
func (d *Engine) lastLogTime(app string, release int) time.Time {
	if d.logs.sink == nil {
		return time.Time{}
	}
	lines, err := d.logs.sink.Tail(app, logstore.Query{N: 200})
	if err != nil {
		return time.Time{}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i].Release == release && lines[i].Stream != logstore.StreamGitd {
			return lines[i].Time.Add(time.Nanosecond)
		}
	}
	return time.Time{}
}
