package logstore

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/botrunner/botrunner/store"
)

// Secrets is where an app's secret values come from: its config vars now
// and those of every release it has had, so a rotated value (the old
// BOT_TOKEN) stays known. *store.Store has both, sealed.
type Secrets interface {
	Config(app string) (map[string]string, error)
	Releases(app string) ([]store.Release, error)
}

// redactSet is an app's secret values (prepared: see prepare) as far as
// its log has learnt them. It only grows while the app lives, so a value
// stays redacted after the config lets go of it.
type redactSet struct {
	mu     sync.Mutex
	loaded bool
	seen   int      // the highest release the values were read for
	values []string // prepared
}

// forWrite returns the values to redact from a line of release: read again
// when the app's log has not read them yet or the release is newer than
// any it read them for (a config change starts a new release; that
// release's lines come after its config is stored).
func (s *Store) forWrite(a *appLog, app string, release int) ([]string, error) {
	if s.opts.Secrets == nil {
		return nil, nil
	}
	r := &a.redact
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.loaded && release <= r.seen {
		return r.values, nil
	}
	if err := s.learn(r, app); err != nil {
		return nil, err
	}
	r.loaded, r.seen = true, max(r.seen, release)
	return r.values, nil
}

// forRead returns every value known now, for lines written before
// redaction at write time (or by a gitd that did not know a value yet).
func (s *Store) forRead(a *appLog, app string) ([]string, error) {
	if s.opts.Secrets == nil {
		return nil, nil
	}
	r := &a.redact
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := s.learn(r, app); err != nil {
		return nil, err
	}
	r.loaded = true
	return r.values, nil
}

// learn adds the app's current and past config values to r. Call with
// r.mu held.
func (s *Store) learn(r *redactSet, app string) error {
	vals := slices.Clone(r.values)
	cfg, err := s.opts.Secrets.Config(app)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("read secrets of %s: %w", app, err)
	}
	for _, v := range cfg {
		vals = append(vals, v)
	}
	rels, err := s.opts.Secrets.Releases(app)
	if err != nil {
		return fmt.Errorf("read secrets of %s: %w", app, err)
	}
	for _, rel := range rels {
		for _, v := range rel.Config {
			vals = append(vals, v)
		}
	}
	r.values = prepare(vals)
	return nil
}
