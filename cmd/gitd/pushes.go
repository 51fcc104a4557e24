package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/botrunner/botrunner/audit"
	"github.com/botrunner/botrunner/metrics"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// observed is the deploy pipeline as receive runs it, with each push
// counted (metrics) and its deploy audited on the way.
type observed struct {
	to receive.Pipeline
	*pushes
}

func (o *observed) Run(ctx context.Context, p *receive.Push) error {
	o.began(p)
	err := o.to.Run(ctx, p)
	if err != nil {
		o.ended(p, err, nil)
	}
	return err
}

func (o *observed) Committed(ctx context.Context, p *receive.Push, err error) {
	if c, ok := o.to.(receive.Committer); ok {
		c.Committed(ctx, p, err)
	}
	o.ended(p, nil, err)
}

// pushes counts pushes by outcome, times the deployed ones and audits
// their deploys: a push deployed when it ends with a release newer than the
// newest at its start.
type pushes struct {
	st    *store.Store
	m     *metrics.Metrics
	audit *audit.Log // nil: no audit log
	mu    sync.Mutex
	open  map[*receive.Push]pushStart
}

type pushStart struct {
	at     time.Time
	newest int
}

func newPushes(st *store.Store, m *metrics.Metrics, a *audit.Log) *pushes {
	return &pushes{st: st, m: m, audit: a, open: map[*receive.Push]pushStart{}}
}

func (p *pushes) began(push *receive.Push) {
	if p.m == nil && p.audit == nil {
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
	if p.m == nil && p.audit == nil {
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
	if p.audit != nil && (newest.Number > start.newest || pipelineErr != nil) {
		p.auditDeploy(push, newest, errorsJoin(pipelineErr, commitErr))
	}
}

// auditDeploy records a push's deploy: the release it made and how it ended.
func (p *pushes) auditDeploy(push *receive.Push, rel store.Release, err error) {
	e := audit.Entry{Actor: push.Pusher, Action: "deploy", App: push.App, OK: err == nil}
	if rel.Number > 0 {
		e.Args = []string{fmt.Sprintf("v%d", rel.Number)}
	}
	if err != nil {
		e.Detail, _, _ = strings.Cut(err.Error(), "\n")
	}
	_ = p.audit.Write(e)
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// newest is the app's newest release (zero when it has none, or no app).
func (p *pushes) newest(app string) (store.Release, error) {
	rels, err := p.st.Releases(app)
	if err != nil || len(rels) == 0 {
		return store.Release{}, err
	}
	return rels[len(rels)-1], nil
}
