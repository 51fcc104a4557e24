package logstore

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/botrunner/botrunner/names"
)

// Defaults for zero Options fields.
const (
	DefaultMaxBytesPerApp = 8 << 20
	DefaultMaxLine        = 16 << 10
	DefaultMaxBuildLogs   = 10
	DefaultMaxBuildLog    = 1 << 20
	DefaultFollowBuffer   = 1024
	minLine               = 64
)

// Options bound what the store keeps. Zero fields take the defaults.
type Options struct {
	MaxBytesPerApp int64 // runtime log kept per app, on disk; default 8 MiB
	MaxLine        int   // longer lines are cut and marked; default 16 KiB
	MaxBuildLogs   int   // build logs kept per app; default 10
	MaxBuildLog    int   // bytes kept of one build log (its tail); default 1 MiB
	FollowBuffer   int   // lines queued per follower before it drops; default 1024

	// Secrets gives each app's secret values, which are redacted from its
	// lines and build logs before they are written, and again when read
	// (logs written before a value was known). nil: nothing is redacted.
	Secrets Secrets
}

func (o Options) withDefaults() (Options, error) {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.MaxBytesPerApp <= 0 {
		o.MaxBytesPerApp = DefaultMaxBytesPerApp
	}
	def(&o.MaxLine, DefaultMaxLine)
	def(&o.MaxBuildLogs, DefaultMaxBuildLogs)
	def(&o.MaxBuildLog, DefaultMaxBuildLog)
	def(&o.FollowBuffer, DefaultFollowBuffer)
	if o.MaxLine < minLine {
		return o, fmt.Errorf("%w: MaxLine %d is below %d", ErrBadOptions, o.MaxLine, minLine)
	}
	if o.MaxBuildLog < minLine {
		return o, fmt.Errorf("%w: MaxBuildLog %d is below %d", ErrBadOptions, o.MaxBuildLog, minLine)
	}
	// A segment (a quarter of the cap) must hold the longest encoded line.
	if need := 4 * maxRecord(o.MaxLine); o.MaxBytesPerApp < need {
		return o, fmt.Errorf("%w: MaxBytesPerApp %d is below %d for MaxLine %d", ErrBadOptions, o.MaxBytesPerApp, need, o.MaxLine)
	}
	return o, nil
}

// Store is the logs of all apps under one dir. It is safe for concurrent use.
type Store struct {
	dir    string
	opts   Options
	segMax int64

	mu     sync.Mutex // guards apps and closed; taken before any appLog's locks
	apps   map[string]*appLog
	closed bool
}

// Open opens (creating it 0700 if needed) the store in dir, usually
// <data>/logs. Apps' logs are loaded lazily, on first use.
func Open(dir string, o Options) (*Store, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open logs %s: %w", dir, err)
	}
	return &Store{dir: dir, opts: o, segMax: o.MaxBytesPerApp / 4, apps: map[string]*appLog{}}, nil
}

// Close closes the open segment files and ends every Follow. Calls after
// Close return ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var first error
	for name, a := range s.apps {
		if err := a.shut(); err != nil && first == nil {
			first = err
		}
		delete(s.apps, name)
	}
	return first
}

// app returns the app's log, loading it on first use. The name is validated
// here, before it becomes a path.
func (s *Store) app(name string) (*appLog, error) {
	if err := names.ValidApp(name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if a := s.apps[name]; a != nil {
		return a, nil
	}
	a, err := loadApp(filepath.Join(s.dir, name), s.segMax)
	if err != nil {
		return nil, fmt.Errorf("load logs of %s: %w", name, err)
	}
	s.apps[name] = a
	return a, nil
}

// Delete removes everything kept for the app (apps:destroy) and ends its
// followers. A later Append starts a new, empty log.
func (s *Store) Delete(app string) error {
	if err := names.ValidApp(app); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	var first error
	if a := s.apps[app]; a != nil {
		delete(s.apps, app)
		a.bmu.Lock()
		defer a.bmu.Unlock()
		first = a.shut()
	}
	if err := os.RemoveAll(filepath.Join(s.dir, app)); err != nil {
		return fmt.Errorf("delete logs of %s: %w", app, err)
	}
	return first
}

// Size returns the bytes the app's runtime log takes on disk (at most
// MaxBytesPerApp).
func (s *Store) Size(app string) (int64, error) {
	a, err := s.app(app)
	if err != nil {
		return 0, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.total, nil
}
