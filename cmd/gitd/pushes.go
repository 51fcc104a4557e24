package main

import (
	"sync"
	"time"

	"github.com/botrunner/botrunner/metrics"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// pushes counts pushes by outcome and times the deployed ones: a push
// deployed when it ends with a release newer than the newest at its start.
type pushes struct {
	st   *store.Store
	m    *metrics.Metrics
	mu   sync.Mutex
	open map[*receive.Push]pushStart
}

type pushStart struct {
	at     time.Time
	newest int
}

func newPushes(st *store.Store, m *metrics.Metrics) *pushes {
	return &pushes{st: st, m: m, open: map[*receive.Push]pushStart{}}
}

func (p *pushes) began(push *receive.Push) {
	if p.m == nil {
		return
	}
	newest, _ := p.newest(push.App)
	p.mu.Lock()
	p.open[push] = pushStart{at: time.Now(), newest: newest.Number}
	p.mu.Unlock()
}

// ended counts the push: pipelineErr is Run's error, commitErr the
// repository update's (Committed).
func (p *pushes) ended(push *receive.Push, pipelineErr, commitErr error) {
	if p.m == nil {
		return
	}
	p.mu.Lock()
	start, ok := p.open[push]
	delete(p.open, push)
	p.mu.Unlock()
	if !ok {
		return
	}
	newest, _ := p.newest(push.App)
	deployed := pipelineErr == nil && newest.Number > start.newest
	p.m.Push(deployed, pipelineErr, commitErr)
	if deployed && commitErr == nil {
		p.m.Deployed(newest.Strategy, time.Since(start.at))
	}
}

// newest is the app's newest release (zero when it has none, or no app).
func (p *pushes) newest(app string) (store.Release, error) {
	rels, err := p.st.Releases(app)
	if err != nil || len(rels) == 0 {
		return store.Release{}, err
	}
	return rels[len(rels)-1], nil
}
