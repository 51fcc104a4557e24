package gateway

import (
	"context"
	"net/http"
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

// polled notes a getUpdates arriving now and wakes its waiters.
func (g *Gateway) polled(bot string, at time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.stats(bot)
	if s.FirstGetUpdates.IsZero() {
		s.FirstGetUpdates = at
	}
	s.LastGetUpdates = at
	for _, c := range g.waiters[bot] {
		close(c)
	}
	delete(g.waiters, bot)
}

func (g *Gateway) record(bot, method string, status int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.stats(bot)
	s.Calls++
	if status != http.StatusOK {
		s.Errors++
	}
	if status == http.StatusConflict {
		s.Conflicts++
		s.LastConflict = g.now()
	}
}

// stats is bot's record, made on first use; g.mu held.
func (g *Gateway) stats(bot string) *Stats {
	s, ok := g.bots[bot]
	if !ok {
		s = &Stats{}
		g.bots[bot] = s
	}
	return s
}

// Bot is what the gateway saw of the bot with id; ok false if nothing.
func (g *Gateway) Bot(id string) (Stats, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.bots[id]
	if !ok {
		return Stats{}, false
	}
	return *s, true
}

// WaitPolling returns when the bot with id calls getUpdates after since,
// or with ctx's error.
func (g *Gateway) WaitPolling(ctx context.Context, id string, since time.Time) error {
	g.mu.Lock()
	if s, ok := g.bots[id]; ok && s.LastGetUpdates.After(since) {
		g.mu.Unlock()
		return nil
	}
	c := make(chan struct{})
	g.waiters[id] = append(g.waiters[id], c)
	g.mu.Unlock()
	select {
	case <-c:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
