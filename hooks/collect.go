package hooks

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/runtime"
)

// LogSink keeps apps' logs (logstore.Store).
type LogSink interface {
	Append(app string, l logstore.Line) error
	Tail(app string, q logstore.Query) ([]logstore.Line, error)
	SaveBuild(app string, release int, log []byte) error
	Delete(app string) error
}

// collector copies the output of running bot containers into the app's
// log, one follower per container. A container's stream ends when it
// stops; whoever starts it again attaches again (swap, the supervisor's
// crash restarts, adoption at gitd start).
type collector struct {
	rt   runtime.Driver
	sink LogSink
	mu   sync.Mutex
	on   map[string]bool // container IDs being followed
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

func (c *collector) follow(app string, release int, id string, since time.Time) {
	defer func() {
		c.mu.Lock()
		delete(c.on, id)
		c.mu.Unlock()
	}()
	rc, err := c.rt.Logs(context.Background(), id, runtime.LogOptions{Follow: true, Since: since, Timestamps: true})
	if err != nil {
		return
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		t, text := splitStamp(sc.Text())
		_ = c.sink.Append(app, logstore.Line{Time: t, Release: release, Stream: logstore.StreamStdout, Text: text})
	}
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
func (d *Deploy) gitdLine(app string, release int, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	d.log.Info(text, "app", app)
	if d.logs.sink != nil {
		_ = d.logs.sink.Append(app, logstore.Line{Release: release, Stream: logstore.StreamGitd, Text: text})
	}
}

// lastLogTime is when the app's log last heard from release, so that a
// follower attached again (after a gitd restart) does not repeat lines.
func (d *Deploy) lastLogTime(app string, release int) time.Time {
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
