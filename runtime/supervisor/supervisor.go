package supervisor

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/botrunner/botrunner/internal/logging"
	"github.com/botrunner/botrunner/runtime"
)

// Supervisor restarts crashed bots, enforces the run-time limit and adopts
// the bot containers it finds (see the package doc for the protocol its
// callers follow). Its methods are safe for concurrent use.
type Supervisor struct {
	d     runtime.Driver
	ev    runtime.EventSource
	p     Policy
	log   *slog.Logger
	hooks Hooks
	clock Clock
	scope map[string]string // WithLabels

	ran  atomic.Bool
	base context.Context // Run's: for the stops that outlive one step of the loop
	wake chan struct{}   // cap 1: the queue has work
	wg   sync.WaitGroup  // stops of timed-out containers under way

	mu    sync.Mutex
	apps  map[string]*app
	queue []op
}

// engineTimeout bounds the engine calls of one step of the loop.
const engineTimeout = time.Minute

// op is work the loop does for a timer or a caller.
type op struct {
	kind opKind
	app  string
	seq  uint64 // the timer's generation (restart, limit)
}

type opKind int

const (
	opReconcile opKind = iota // look at the app's containers again
	opRestart                 // a restart is due
	opLimit                   // the run-time limit is reached
	opStopAll                 // stop the app's running containers (the limit; retried)
)

// New returns a supervisor of the bot containers on d, watching ev (the
// drivers implement both). Zero Policy fields take DefaultPolicy's values,
// except MaxRuntime (zero: no limit). log and hooks may be nil.
func New(d runtime.Driver, ev runtime.EventSource, p Policy, log *slog.Logger, hooks Hooks, opts ...Option) *Supervisor {
	if hooks == nil {
		hooks = nopHooks{}
	}
	s := &Supervisor{
		d: d, ev: ev, p: p.withDefaults(), log: logging.Component(log, "supervisor"), hooks: hooks,
		clock: realClock{}, wake: make(chan struct{}, 1), apps: map[string]*app{},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Run watches the engine until ctx ends, then stops its timers, waits for
// the stops it began and returns nil. It subscribes to events, lists the
// bot containers (adopting them: see the package doc) and then reacts to
// each event by looking at that app's containers again. When the event
// stream drops it subscribes again after a backoff and lists again, so
// what happened meanwhile is not missed. Run may be called once.
func (s *Supervisor) Run(ctx context.Context) error {
	if !s.ran.CompareAndSwap(false, true) {
		return ErrRunTwice
	}
	s.base = ctx // read only by this goroutine from now on
	defer s.wg.Wait()
	defer s.stopTimers()
	for attempt := 0; ; {
		began := s.clock.Now()
		synced, err := s.watch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if synced && s.clock.Now().Sub(began) >= reconnect.MaxDelay {
			attempt = 0 // it worked for a while: start the backoff over
		}
		attempt++
		delay := Backoff(reconnect, attempt)
		s.log.Warn("container events lost; reconnecting", "err", err, "in", delay)
		if !s.pause(ctx, delay) {
			return nil
		}
	}
}

// watch subscribes, then lists (so nothing between the two is missed), then
// handles events and queued work until the stream ends. synced: the list
// worked, the engine was reachable.
func (s *Supervisor) watch(ctx context.Context) (synced bool, err error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	evs, errc := s.ev.Events(sctx)
	lctx, lcancel := context.WithTimeout(ctx, engineTimeout)
	err = s.resync(lctx)
	lcancel()
	if err != nil {
		return false, err
	}
	for {
		select {
		case ev, ok := <-evs:
			if !ok {
				return true, <-errc
			}
			s.handle(ctx, ev)
		case <-s.wake:
			s.runOps(ctx)
		case <-ctx.Done():
			return true, ctx.Err()
		}
	}
}

// pause waits d on the clock, doing queued work meanwhile; false if ctx
// ended first.
func (s *Supervisor) pause(ctx context.Context, d time.Duration) bool {
	done := make(chan struct{})
	t := s.clock.AfterFunc(d, func() { close(done) })
	defer t.Stop()
	for {
		select {
		case <-done:
			return true
		case <-s.wake:
			s.runOps(ctx)
		case <-ctx.Done():
			return false
		}
	}
}

// handle treats an event as a hint: the app's containers are looked at
// again, which makes repeated, stale and missed events harmless.
func (s *Supervisor) handle(ctx context.Context, ev runtime.Event) {
	name := ev.Labels[runtime.LabelApp]
	if name == "" || !hasLabels(ev.Labels, s.scope) {
		return
	}
	s.log.Debug("container event", "app", name, "action", ev.Action, "container", short(ev.ContainerID), "exit_code", ev.ExitCode)
	ctx, cancel := context.WithTimeout(ctx, engineTimeout)
	defer cancel()
	s.reconcile(ctx, name)
}

// resync looks at every bot container, and at every app known but now
// without containers, then tells Hooks which run.
func (s *Supervisor) resync(ctx context.Context) error {
	cs, err := s.d.List(ctx, s.labels(""))
	if err != nil {
		return fmt.Errorf("list bot containers: %w", err)
	}
	byApp := map[string][]runtime.State{}
	for _, c := range cs {
		if name := c.Labels[runtime.LabelApp]; name != "" {
			byApp[name] = append(byApp[name], c)
		}
	}
	s.mu.Lock()
	for name := range s.apps {
		if _, ok := byApp[name]; !ok {
			byApp[name] = nil
		}
	}
	s.mu.Unlock()
	for name, cs := range byApp {
		s.observe(name, cs)
	}
	for _, c := range cs {
		if name := c.Labels[runtime.LabelApp]; name != "" && c.Running {
			s.hooks.Running(name, releaseOf(c), c.ID)
		}
	}
	return nil
}

// enqueue hands work to the loop; it never blocks (timers call it).
func (s *Supervisor) enqueue(o op) {
	s.mu.Lock()
	s.queue = append(s.queue, o)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Supervisor) runOps(ctx context.Context) {
	s.mu.Lock()
	queue := s.queue
	s.queue = nil
	s.mu.Unlock()
	for _, o := range queue {
		s.run(ctx, o)
	}
}

// run does one op, with a bound on the engine calls: the loop must not
// hang on a stuck engine.
func (s *Supervisor) run(ctx context.Context, o op) {
	ctx, cancel := context.WithTimeout(ctx, engineTimeout)
	defer cancel()
	switch o.kind {
	case opReconcile:
		s.reconcile(ctx, o.app)
	case opRestart:
		s.restart(ctx, o.app, o.seq)
	case opLimit:
		s.limit(ctx, o.app, o.seq)
	case opStopAll:
		s.stopAll(ctx, o.app)
	}
}

// stopTimers ends every pending timer when Run returns.
func (s *Supervisor) stopTimers() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.apps {
		if a.restartTimer != nil {
			a.restartTimer.Stop()
			a.restartTimer = nil
		}
		s.cancelLimitLocked(a)
	}
}

// labels selects the containers of app ("" = of every app) in scope.
func (s *Supervisor) labels(app string) map[string]string {
	l := maps.Clone(s.scope)
	if l == nil {
		l = map[string]string{}
	}
	l[runtime.LabelApp] = app
	return l
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || (v != "" && got != v) {
			return false
		}
	}
	return true
}
