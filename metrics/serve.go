package metrics

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// BotStates counts the apps' bots by state (running, crashed, stopped, …)
// at each scrape.
type BotStates func() (map[string]int, error)

// WatchBots adds the botrunner_bots gauge, read from states at each scrape.
func (m *Metrics) WatchBots(states BotStates) {
	if m != nil {
		m.reg.MustRegister(botCollector{states})
	}
}

type botCollector struct{ states BotStates }

var botsDesc = prometheus.NewDesc(nameBots, "Apps' bots by state.", []string{"state"}, nil)

func (c botCollector) Describe(ch chan<- *prometheus.Desc) { ch <- botsDesc }

func (c botCollector) Collect(ch chan<- prometheus.Metric) {
	counts, err := c.states()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(botsDesc, err)
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(botsDesc, prometheus.GaugeValue, float64(n), state)
	}
}

// Handler serves /metrics and /healthz; health says whether gitd can serve
// (nil: 200 "ok", else 503 with the reason).
func (m *Metrics) Handler(health func() error) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if err := health(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// Serve serves h on l until l is closed.
func Serve(l net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	err := srv.Serve(l)
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
