package schedulertest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
)

// Timeout bounds every wait in the suite.
const Timeout = 60 * time.Second

// Timing is what a subtest needs of the scheduler's policy; the factory
// makes the scheduler with it.
type Timing struct {
	RestartDelay time.Duration // the first crash restart's delay (it doubles)
	MaxRuntime   time.Duration // the run-time limit; 0 = none
	StopGrace    time.Duration
}

// Images is how to run testbot on the scheduler under test.
type Images struct {
	Image string // testbot's image (its ID or a tag)
	User  string // a non-root user that can run it
}

// Factory makes the scheduler of one subtest, with t's cleanup registered.
type Factory func(t *testing.T, tm Timing) (scheduler.Scheduler, Images)

// harness is one subtest's view of the scheduler under test.
type harness struct {
	t   *testing.T
	s   scheduler.Scheduler
	img Images
	app string
	ev  *events
}

func newHarness(t *testing.T, f Factory, tm Timing) *harness {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	s, img := f(t, tm)
	h := &harness{t: t, s: s, img: img, app: "sched-" + hex.EncodeToString(b), ev: &events{}}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		defer cancel()
		if err := s.Remove(ctx, h.app); err != nil {
			t.Errorf("cleanup: Remove(%s): %v", h.app, err)
		}
	})
	return h
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	h.t.Cleanup(cancel)
	return ctx
}

// rel is release n of the subtest's app running testbot with args.
func (h *harness) rel(n int, args ...string) scheduler.Release {
	return scheduler.Release{App: h.app, Owner: "suite", Number: n, Image: h.img.Image, Cmd: args,
		Env: []string{"SUITE=1"}, Config: map[string]string{"BOT_TOKEN": "123:abc"}, User: h.img.User,
		Limits: runtime.Limits{Memory: 64 << 20}, StartCheck: 500 * time.Millisecond}
}

// deploy deploys r and accepts it.
func (h *harness) deploy(r scheduler.Release) string {
	h.t.Helper()
	p, err := h.s.Deploy(h.ctx(), r, io.Discard)
	if err != nil {
		h.t.Fatalf("Deploy v%d: %v", r.Number, err)
	}
	if err := p.Accept(h.ctx()); err != nil {
		h.t.Fatalf("Accept v%d: %v", r.Number, err)
	}
	return p.Instance()
}

func (h *harness) status() scheduler.Status {
	h.t.Helper()
	st, err := h.s.Status(h.ctx(), h.app)
	if err != nil {
		h.t.Fatalf("Status: %v", err)
	}
	return st
}

// running is the app's running instances.
func (h *harness) running() []scheduler.Instance {
	h.t.Helper()
	var out []scheduler.Instance
	for _, in := range h.status().Instances {
		if in.Running {
			out = append(out, in)
		}
	}
	return out
}

// runsOnly checks that exactly one instance runs, of release n.
func (h *harness) runsOnly(n int) scheduler.Instance {
	h.t.Helper()
	rs := h.running()
	if len(rs) != 1 || rs[0].Release != n {
		h.t.Fatalf("running instances %+v, want one of v%d", rs, n)
	}
	return rs[0]
}

// eventually polls cond until it holds or the suite's timeout passes.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	for deadline := time.Now().Add(Timeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	h.t.Fatalf("%s: not within %s", what, Timeout)
}

// watch runs the scheduler's Run with held until the subtest ends.
func (h *harness) watch(held map[string]string) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := h.s.Run(ctx, held, h.ev); err != nil && !errors.Is(err, context.Canceled) {
			h.t.Errorf("Run: %v", err)
		}
	}()
	h.t.Cleanup(func() { cancel(); <-done })
}

// lines reads the app's output as Logs returns it with o.
func (h *harness) lines(o scheduler.LogOptions) []string {
	h.t.Helper()
	rc, err := h.s.Logs(h.ctx(), h.app, o)
	if err != nil {
		h.t.Fatalf("Logs: %v", err)
	}
	defer rc.Close()
	var out []string
	sc := bufio.NewScanner(rc)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// events records what Run reports.
type events struct {
	mu  sync.Mutex
	got []scheduler.Event
}

func (e *events) BotEvent(ev scheduler.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, ev)
}

// find returns the first event of app of kind, if one came.
func (e *events) find(app string, kind scheduler.EventKind) (scheduler.Event, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.got {
		if ev.App == app && ev.Kind == kind {
			return ev, true
		}
	}
	return scheduler.Event{}, false
}

func contains(lines []string, want string) bool {
	for _, l := range lines {
		if strings.HasSuffix(l, want) {
			return true
		}
	}
	return false
}
