package metrics

import (
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/server"
)

// Metric names, listed once: the Grafana dashboard in contrib/ uses them.
const (
	namePushes      = "botrunner_pushes_total"
	nameDeploy      = "botrunner_deploy_duration_seconds"
	nameBuild       = "botrunner_build_duration_seconds"
	nameBuildFail   = "botrunner_build_failures_total"
	namePull        = "botrunner_image_pull_duration_seconds"
	nameBots        = "botrunner_bots"
	nameCrashes     = "botrunner_bot_crashes_total"
	nameOOM         = "botrunner_bot_oom_kills_total"
	nameRestarts    = "botrunner_bot_restarts_total"
	nameTimeouts    = "botrunner_bot_timeouts_total"
	nameSessions    = "botrunner_ssh_sessions_total"
	nameAuthFail    = "botrunner_ssh_auth_failures_total"
	nameLogBytes    = "botrunner_log_bytes_total"
	outcomeDeployed = "deployed" // the push built and started a release
	outcomeStored   = "stored"   // refs only: not the deploy branch
	outcomeRejected = "rejected" // the pipeline refused it (build or start failed)
	outcomeFailed   = "failed"   // the repository update failed after the deploy
)

// Names are the names of botrunner's own metrics (the dashboard's).
func Names() []string {
	return []string{namePushes, nameDeploy, nameBuild, nameBuildFail, namePull, nameBots, nameCrashes, nameOOM,
		nameRestarts, nameTimeouts, nameSessions, nameAuthFail, nameLogBytes}
}

// Metrics holds gitd's collectors in a registry of its own.
type Metrics struct {
	reg                                      *prometheus.Registry
	pushes, buildFail, sessions              *prometheus.CounterVec
	deploy, build                            *prometheus.HistogramVec
	pull                                     prometheus.Histogram
	crashes, oom, restarts, timeouts, denied prometheus.Counter
	logBytes                                 prometheus.Counter
}

// Build and deploy times run from seconds to the 15-minute build timeout.
var durations = []float64{1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900}

// New makes the collectors, with Go's and the process's own.
func New() *Metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	m := &Metrics{
		reg:       prometheus.NewRegistry(),
		pushes:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: namePushes, Help: "Pushes that reached the deploy pipeline, by outcome."}, []string{"outcome"}),
		buildFail: prometheus.NewCounterVec(prometheus.CounterOpts{Name: nameBuildFail, Help: "Failed builds, by error code."}, []string{"code"}),
		sessions:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: nameSessions, Help: "Authenticated SSH sessions, by kind (git, command)."}, []string{"kind"}),
		deploy:    prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: nameDeploy, Help: "Push-to-running time of deployed pushes, by build strategy.", Buckets: durations}, []string{"strategy"}),
		build:     prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: nameBuild, Help: "Build time, by strategy (failed builds too).", Buckets: durations}, []string{"strategy"}),
		pull:      prometheus.NewHistogram(prometheus.HistogramOpts{Name: namePull, Help: "Image pulls of image-mode deploys.", Buckets: durations}),
		crashes:   counter(nameCrashes, "Bot containers that exited on their own."),
		oom:       counter(nameOOM, "Of those, killed for using more than their memory limit."),
		restarts:  counter(nameRestarts, "Crashed bots the supervisor started again."),
		timeouts:  counter(nameTimeouts, "Bots stopped at the run-time limit (GITD_MAX_RUNTIME)."),
		denied:    counter(nameAuthFail, "Keys offered that no user or deploy key has (a client may offer several)."),
		logBytes:  counter(nameLogBytes, "Bytes of bot output written to the log store."),
	}
	m.reg.MustRegister(m.pushes, m.buildFail, m.sessions, m.deploy, m.build, m.pull, m.crashes, m.oom,
		m.restarts, m.timeouts, m.denied, m.logBytes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, o := range []string{outcomeDeployed, outcomeStored, outcomeRejected, outcomeFailed} {
		m.pushes.WithLabelValues(o) // every outcome shows from the start, at 0
	}
	return m
}

// Push counts a push by how it ended: err from the pipeline (rejected),
// else committed (nil: deployed or stored, else failed).
func (m *Metrics) Push(deployed bool, pipelineErr, commitErr error) {
	if m == nil {
		return
	}
	o := outcomeStored
	switch {
	case pipelineErr != nil:
		o = outcomeRejected
	case commitErr != nil:
		o = outcomeFailed
	case deployed:
		o = outcomeDeployed
	}
	m.pushes.WithLabelValues(o).Inc()
}

// Deployed observes a deployed push's time from its start.
func (m *Metrics) Deployed(strategy string, d time.Duration) {
	if m != nil {
		m.deploy.WithLabelValues(orUnknown(strategy)).Observe(d.Seconds())
	}
}

// Built observes one build; a failed one is counted by its error code.
func (m *Metrics) Built(strategy string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.build.WithLabelValues(orUnknown(strategy)).Observe(d.Seconds())
	if err != nil {
		code := "INTERNAL"
		if h := hint.Of(err); h != nil {
			code = h.Code
		}
		m.buildFail.WithLabelValues(code).Inc()
	}
}

// Pulled observes an image pull.
func (m *Metrics) Pulled(d time.Duration) {
	if m != nil {
		m.pull.Observe(d.Seconds())
	}
}

// Crashed, Restarted and TimedOut count the supervisor's events.
func (m *Metrics) Crashed(oom bool) {
	if m == nil {
		return
	}
	m.crashes.Inc()
	if oom {
		m.oom.Inc()
	}
}

func (m *Metrics) Restarted() {
	if m != nil {
		m.restarts.Inc()
	}
}

func (m *Metrics) TimedOut() {
	if m != nil {
		m.timeouts.Inc()
	}
}

// LogBytes counts bot output written to the log store.
func (m *Metrics) LogBytes(n int) {
	if m != nil {
		m.logBytes.Add(float64(n))
	}
}

// KeyRefused and SessionEnded make Metrics a server.Observer.
func (m *Metrics) KeyRefused(string, string) {
	if m != nil {
		m.denied.Inc()
	}
}

func (m *Metrics) SessionEnded(s server.Session) {
	if m == nil {
		return
	}
	kind := "command"
	if len(s.Command) > 0 && strings.HasPrefix(s.Command[0], "git-") {
		kind = "git"
	}
	m.sessions.WithLabelValues(kind).Inc()
}

var _ server.Observer = (*Metrics)(nil)

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
