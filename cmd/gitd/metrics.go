package main

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/metrics"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/store"
)

// The parts below wrap what the deploy engine is given, so that metrics
// see builds, pulls, log lines and supervisor events without the engine
// knowing of them. With metrics off, m is nil and counts nothing.

type timedBuilder struct {
	*build.Builder
	m *metrics.Metrics
}

func (b timedBuilder) Build(ctx context.Context, r build.Request) (build.Result, error) {
	start := time.Now()
	res, err := b.Builder.Build(ctx, r)
	strategy := res.Strategy
	if strategy == "" {
		strategy = r.Settings.Strategy
	}
	b.m.Built(strategy, time.Since(start), err)
	return res, err
}

type timedPuller struct {
	deploy.Puller
	m *metrics.Metrics
}

func (p timedPuller) Pull(ctx context.Context, r build.PullRequest) (build.Result, error) {
	start := time.Now()
	res, err := p.Puller.Pull(ctx, r)
	if err == nil {
		p.m.Pulled(time.Since(start))
	}
	return res, err
}

type countedLogs struct {
	*logstore.Store
	m *metrics.Metrics
}

func (l countedLogs) Append(app string, line logstore.Line) error {
	err := l.Store.Append(app, line)
	if err == nil {
		l.m.LogBytes(len(line.Text) + 1)
	}
	return err
}

// countedScheduler counts the scheduler's events (crashes, OOM kills,
// crash restarts, timeouts) on their way to the deploy engine.
type countedScheduler struct {
	scheduler.Scheduler
	m *metrics.Metrics
}

func (s countedScheduler) Run(ctx context.Context, held map[string]string, h scheduler.Handler) error {
	return s.Scheduler.Run(ctx, held, countedEvents{h, s.m})
}

type countedEvents struct {
	scheduler.Handler
	m *metrics.Metrics
}

func (c countedEvents) BotEvent(e scheduler.Event) {
	switch e.Kind {
	case scheduler.EventExited:
		c.m.Crashed(e.OOMKilled)
	case scheduler.EventStarted:
		c.m.Restarted()
	case scheduler.EventTimedOut:
		c.m.TimedOut()
	}
	c.Handler.BotEvent(e)
}

// botStates counts the apps by the state `apps` shows.
func botStates(st *store.Store, bots *deploy.Engine) metrics.BotStates {
	return func() (map[string]int, error) {
		apps, err := st.Apps()
		if err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out := map[string]int{}
		for _, a := range apps {
			s, err := bots.AppStatus(ctx, a)
			if err != nil {
				return nil, err
			}
			out[s.State]++
		}
		return out, nil
	}
}

// serveMetrics starts the admin listener (--metrics-listen): /metrics and
// /healthz, which answers while the store does.
func serveMetrics(addr string, m *metrics.Metrics, st *store.Store, log *slog.Logger) (func(), error) {
	if m == nil {
		return func() {}, nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, hint.Errorf("METRICS_LISTEN_FAILED", "pick another address with --metrics-listen (GITD_METRICS_LISTEN)",
			"listen on %s: %v", addr, err)
	}
	log.Info("metrics listening", "addr", l.Addr().String(), "paths", "/metrics /healthz")
	health := func() error { _, err := st.CountUsers(); return err }
	go func() {
		if err := metrics.Serve(l, m.Handler(health)); err != nil {
			log.Error("metrics listener", "err", err)
		}
	}()
	return func() { l.Close() }, nil
}
