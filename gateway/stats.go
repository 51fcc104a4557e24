package gateway

import (
	"context"
	"net/http"
	"slices"
	"time"
)

// Stats is what the gateway saw of one bot since gitd started.
type Stats struct {
	FirstGetUpdates time.Time
	LastGetUpdates  time.Time // when the last getUpdates arrived
	Calls           int
	Errors          int // answers other than 200 (409s included)
	Conflicts       int // 409s
	LastConflict    time.Time
}

// polled notes a getUpdates arriving now from a watched bot and wakes its
// waiters.
func (g *Gateway) polled(key string, at time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.bots[key]
	if !ok {
		return
	}
	if s.FirstGetUpdates.IsZero() {
		s.FirstGetUpdates = at
	}
	s.LastGetUpdates = at
	for _, c := range g.waiters[key] {
		close(c)
	}
	delete(g.waiters, key)
}

// record counts a watched bot's call and how it was answered.
func (g *Gateway) record(key string, status int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.bots[key]
	if !ok {
		return
	}
	s.Calls++
	if status != http.StatusOK {
		s.Errors++
	}
	if status == http.StatusConflict {
		s.Conflicts++
		s.LastConflict = g.now()
	}
}

// watch is the record of the bot with token, made (and from then on
// kept) on first use; g.mu held.
func (g *Gateway) watch(token string) (string, *Stats) {
	key := keyOf(token)
	s, ok := g.bots[key]
	if !ok {
		s = &Stats{}
		g.bots[key] = s
	}
	return key, s
}

// Bot is what the gateway saw of the bot with token since gitd first
// asked about it (its calls are recorded from then on); ok false while it
// made no call.
func (g *Gateway) Bot(token string) (Stats, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, s := g.watch(token)
	return *s, s.Calls > 0 || !s.LastGetUpdates.IsZero()
}

// WaitPolling returns when the bot with token calls getUpdates after
// since, or with ctx's error.
func (g *Gateway) WaitPolling(ctx context.Context, token string, since time.Time) error {
	g.mu.Lock()
	key, s := g.watch(token)
	if s.LastGetUpdates.After(since) {
		g.mu.Unlock()
		return nil
	}
	c := make(chan struct{})
	g.waiters[key] = append(g.waiters[key], c)
	g.mu.Unlock()
	select {
	case <-c:
		return nil
	case <-ctx.Done():
		g.dropWaiter(key, c)
		return ctx.Err()
	}
}

// dropWaiter forgets a waiter whose wait ended without a getUpdates.
func (g *Gateway) dropWaiter(key string, c chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ws := slices.DeleteFunc(g.waiters[key], func(w chan struct{}) bool { return w == c })
	if len(ws) == 0 {
		delete(g.waiters, key)
	} else {
		g.waiters[key] = ws
	}
}
