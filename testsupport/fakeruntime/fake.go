package fakeruntime

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// Behaviour is what a container's process does each time it starts. The
// zero Behaviour runs silently until stopped.
type Behaviour struct {
	Logs      []string      // lines it writes as it starts
	Exit      bool          // it ends on its own; implied by ExitAfter > 0, ExitCode != 0 or OOM
	ExitAfter time.Duration // how long it runs before ending on its own (0: at once)
	ExitCode  int           // the code it ends with on its own
	OOM       bool          // ending on its own is an OOM kill: exit 137 and OOMKilled

	TermDelay  time.Duration // how long it takes to exit (143) after SIGTERM; longer than the grace: killed (137)
	IgnoreTerm bool          // SIGTERM does nothing; Stop waits out the grace, then kills (137)
}

func (b Behaviour) exits() bool { return b.Exit || b.ExitAfter > 0 || b.ExitCode != 0 || b.OOM }

// Driver is the in-memory runtime.Driver.
type Driver struct {
	mu     sync.Mutex
	images map[string]func(runtime.Spec) Behaviour
	hook   func(runtime.Spec) Behaviour
	byID   map[string]*ctr
	seq    int
	fail   map[string]error
	subs   map[*eventSub]bool // open Events streams
	drop   chan struct{}      // closed by DropLogs: open log follows end
	now    func() time.Time   // see SetClock
}

var _ runtime.Driver = (*Driver)(nil)

// New returns a driver that knows no image yet: script them with Image,
// ImageFunc or Hook, or Create answers runtime.ErrImageNotFound, as an engine would for
// an image it does not have.
func New() *Driver {
	return &Driver{
		images: map[string]func(runtime.Spec) Behaviour{},
		byID:   map[string]*ctr{},
		fail:   map[string]error{},
		subs:   map[*eventSub]bool{},
		drop:   make(chan struct{}),
		now:    time.Now,
	}
}

// Image scripts what containers of image do.
func (d *Driver) Image(image string, b Behaviour) {
	d.ImageFunc(image, func(runtime.Spec) Behaviour { return b })
}

// ImageFunc scripts containers of image from their whole (defaulted) Spec:
// Cmd, Env, Labels.
func (d *Driver) ImageFunc(image string, f func(runtime.Spec) Behaviour) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.images[image] = f
}

// Hook decides the Behaviour of containers whose image has no Image or
// ImageFunc entry, from their Spec. With a hook, every image exists.
func (d *Driver) Hook(h func(runtime.Spec) Behaviour) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.hook = h
}

// Fail makes the next call of op return err. Ops: "create", "start",
// "stop", "remove", "inspect", "wait", "logs", "list", "events" (the
// stream ends with err at once).
func (d *Driver) Fail(op string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fail[op] = err
}

// Spec returns the spec (defaulted) a container was created from.
func (d *Driver) Spec(id string) (runtime.Spec, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.find(id)
	if c == nil {
		return runtime.Spec{}, false
	}
	return c.spec.WithDefaults(), true // WithDefaults copies
}

// Emit makes the container's process write a line now.
func (d *Driver) Emit(id, line string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.find(id)
	if c == nil {
		return notFound(id)
	}
	c.appendLog(line)
	return nil
}

// Exit makes a running container's process end now with code, as a crash
// would; a container that is not running is left alone.
func (d *Driver) Exit(id string, code int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.find(id)
	if c == nil {
		return notFound(id)
	}
	d.endLocked(c, c.run, code, false)
	return nil
}

// takeFail returns (once) the error scripted for op. Call with d.mu held.
func (d *Driver) takeFail(op string) error {
	err := d.fail[op]
	delete(d.fail, op)
	return err
}

// find resolves a container ID, name or unique ID prefix, as docker does.
// Call with d.mu held.
func (d *Driver) find(ref string) *ctr {
	if c, ok := d.byID[ref]; ok {
		return c
	}
	var match *ctr
	for id, c := range d.byID {
		if c.st.Name == ref {
			return c
		}
		if ref != "" && strings.HasPrefix(id, ref) {
			if match != nil {
				return nil // ambiguous
			}
			match = c
		}
	}
	return match
}

func (d *Driver) behaviour(s runtime.Spec) (Behaviour, bool) {
	if f, ok := d.images[s.Image]; ok {
		return f(s), true
	}
	if d.hook != nil {
		return d.hook(s), true
	}
	return Behaviour{}, false
}

func newID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ctr is one container. Every field is guarded by the driver's mu.
type ctr struct {
	seq     int
	spec    runtime.Spec
	beh     Behaviour
	st      runtime.State
	run     int                              // bumped by each Start; stale timers compare it
	stopRun int                              // the run a Stop is ending: its end sends "stop" too
	logs    []logLine                        // everything ever written, like json-file without rotation
	waiters map[chan runtime.ExitResult]bool // for the next exit
	stopped chan struct{}                    // closed when the current run ends
	changed chan struct{}                    // closed and replaced on each line and exit: wakes followers
}

type logLine struct {
	at   time.Time
	text string
}

func (c *ctr) appendLog(text string) {
	c.logs = append(c.logs, logLine{at: time.Now(), text: text})
	c.wake()
}

func (c *ctr) wake() {
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *ctr) state() runtime.State {
	st := c.st
	st.Labels = maps.Clone(c.st.Labels)
	return st
}
