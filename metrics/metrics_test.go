package metrics

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/server"
	"github.com/botrunner/botrunner/testsupport/promtext"
)

// scrape parses /metrics with Prometheus's text parser and returns each
// sample as `name{label="v"}` → value (histograms: their _count).
func scrape(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	out, err := promtext.Parse(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMetricsMove(t *testing.T) {
	m := New()
	m.WatchBots(func() (map[string]int, error) { return map[string]int{"running": 2, "crashed": 1}, nil })
	h := m.Handler(func() error { return nil })
	m.Push(true, nil, nil)
	m.Push(false, errors.New("start check failed"), nil)
	m.Push(false, nil, nil)
	m.Deployed("simple", 20*time.Second)
	m.Built("simple", 10*time.Second, nil)
	m.Built("dockerfile", time.Second, hint.New("BUILD_FAILED_TEST", "x", "y"))
	m.Pulled(time.Second)
	m.Crashed(true)
	m.Crashed(false)
	m.Restarted()
	m.TimedOut()
	m.KeyRefused("127.0.0.1:1", "SHA256:x")
	m.SessionEnded(server.Session{Command: []string{"git-receive-pack", "my-bot"}})
	m.SessionEnded(server.Session{Command: []string{"apps"}})
	m.LogBytes(100)

	got := scrape(t, h)
	for k, want := range map[string]float64{
		`botrunner_pushes_total{outcome="deployed"}`:                    1,
		`botrunner_pushes_total{outcome="rejected"}`:                    1,
		`botrunner_pushes_total{outcome="stored"}`:                      1,
		`botrunner_pushes_total{outcome="failed"}`:                      0,
		`botrunner_deploy_duration_seconds_count{strategy="simple"}`:    1,
		`botrunner_build_duration_seconds_count{strategy="simple"}`:     1,
		`botrunner_build_duration_seconds_count{strategy="dockerfile"}`: 1,
		`botrunner_build_failures_total{code="BUILD_FAILED_TEST"}`:      1,
		`botrunner_image_pull_duration_seconds_count{}`:                 1,
		`botrunner_bot_crashes_total{}`:                                 2,
		`botrunner_bot_oom_kills_total{}`:                               1,
		`botrunner_bot_restarts_total{}`:                                1,
		`botrunner_bot_timeouts_total{}`:                                1,
		`botrunner_ssh_auth_failures_total{}`:                           1,
		`botrunner_ssh_sessions_total{kind="git"}`:                      1,
		`botrunner_ssh_sessions_total{kind="command"}`:                  1,
		`botrunner_log_bytes_total{}`:                                   100,
		`botrunner_bots{state="running"}`:                               2,
		`botrunner_bots{state="crashed"}`:                               1,
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
}

func TestHealthz(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
	}{{nil, 200}, {errors.New("database closed"), 503}} {
		rec := httptest.NewRecorder()
		New().Handler(func() error { return tc.err }).ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		if rec.Code != tc.code {
			t.Errorf("healthz with %v: %d, want %d", tc.err, rec.Code, tc.code)
		}
	}
}

// TestNilMetrics: parts wired with metrics off call a nil *Metrics.
func TestNilMetrics(t *testing.T) {
	var m *Metrics
	m.Push(true, nil, nil)
	m.Deployed("simple", time.Second)
	m.Built("simple", time.Second, errors.New("x"))
	m.Pulled(time.Second)
	m.Crashed(true)
	m.Restarted()
	m.TimedOut()
	m.KeyRefused("", "")
	m.SessionEnded(server.Session{})
	m.LogBytes(1)
	m.WatchBots(nil)
}
