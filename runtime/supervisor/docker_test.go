package supervisor_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/runtime/supervisor"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
)

// dockerEnv is a supervisor on the real engine, narrowed to one test's
// containers (other packages' tests run bots on the same engine).
type dockerEnv struct {
	t       *testing.T
	d       *docker.Driver
	img     string
	scope   map[string]string
	network string
	hooks   *stateRecorder
	sup     *supervisor.Supervisor
}

// stateRecorder records hook calls with the state the supervisor reports
// at the time.
type stateRecorder struct {
	recorder
	sup *supervisor.Supervisor
}

func (r *stateRecorder) Crashed(app string, _, exit int, _ bool, next time.Time) {
	st := r.sup.State(app)
	r.add("crashed exit=%d crashes=%d delay=%v", exit, st.Crashes, next.Sub(time.Now()).Round(100*time.Millisecond))
}

func (r *stateRecorder) Restarted(app string, _ int) {
	r.add("restarted crashes=%d", r.sup.State(app).Crashes)
}

func newDockerEnv(t *testing.T, p supervisor.Policy) *dockerEnv {
	c := dockerEngine(t)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	e := &dockerEnv{t: t, img: dockerTestbot(t, c), scope: map[string]string{"botrunner.test.run": tok},
		network: "botrunner-test-" + tok, hooks: &stateRecorder{}}
	t.Cleanup(func() { dockerCleanup(t, c, tok, e.network) })
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.d = docker.New(c, log)
	e.sup = supervisor.New(e.d, e.d, p, log, e.hooks, supervisor.WithLabels(e.scope))
	e.hooks.sup = e.sup
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.sup.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	})
	return e
}

// deploy starts a bot running cmd, following the protocol.
func (e *dockerEnv) deploy(app string, cmd ...string) string {
	e.t.Helper()
	ctx := context.Background()
	labels := runtime.Labels(app, "test", 1)
	maps.Copy(labels, e.scope)
	e.sup.Stopped(app, "deploy")
	id, err := e.d.Create(ctx, runtime.Spec{Name: e.network + "-" + app, Image: e.img, Cmd: cmd,
		User: runtimetest.TestbotUser, Network: e.network, Labels: labels})
	if err != nil {
		e.t.Fatalf("Create: %v", err)
	}
	if err := e.d.Start(ctx, id); err != nil {
		e.t.Fatalf("Start: %v", err)
	}
	e.sup.Started(app)
	return id
}

func (e *dockerEnv) waitFor(what string, timeout time.Duration, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s; hooks %q", what, e.hooks.list())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDockerCrashRestarts: a bot that exits 3 after a second is restarted,
// again and again, with the delay doubling and the crash count growing.
func TestDockerCrashRestarts(t *testing.T) {
	t.Parallel()
	e := newDockerEnv(t, supervisor.Policy{BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second,
		ResetAfter: time.Minute, StopGrace: time.Second})
	id := e.deploy("crashy", "exitafter", "1000", "3")
	e.waitFor("two restarts", 30*time.Second, func() bool { return strings.Count(strings.Join(e.hooks.list(), "\n"), "restarted") >= 2 })
	got := e.hooks.list()[:4]
	want := []string{
		"crashed exit=3 crashes=1 delay=200ms", "restarted crashes=1",
		"crashed exit=3 crashes=2 delay=400ms", "restarted crashes=2",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("hooks %q, want %q", got, want)
			break
		}
	}
	st, err := e.d.Inspect(context.Background(), id)
	if err != nil || st.ID != id {
		t.Errorf("the same container is restarted: %+v, %v", st, err)
	}
}

// TestDockerRuntimeLimit: a bot past its run-time limit is stopped (SIGTERM)
// and marked timed out, and stays stopped.
func TestDockerRuntimeLimit(t *testing.T) {
	t.Parallel()
	e := newDockerEnv(t, supervisor.Policy{BaseDelay: 200 * time.Millisecond, MaxRuntime: 2 * time.Second, StopGrace: 5 * time.Second})
	began := time.Now()
	id := e.deploy("sleepy", "sleep")
	ctx := context.Background()
	e.waitFor("stopped at the limit", 20*time.Second, func() bool {
		st, err := e.d.Inspect(ctx, id)
		return err == nil && !st.Running && e.sup.State("sleepy").TimedOut
	})
	if took := time.Since(began); took < 2*time.Second {
		t.Errorf("stopped after %v, before the 2s limit", took)
	}
	time.Sleep(time.Second)
	st, _ := e.d.Inspect(ctx, id)
	if sup := e.sup.State("sleepy"); st.Running || st.ExitCode != 143 || sup.Crashes != 0 || !sup.NextAttempt.IsZero() {
		t.Errorf("after the limit: container %+v, supervisor %+v", st, sup)
	}
}

// dockerEngine returns a client for the test engine (see runtimetest.Engine).
func dockerEngine(t *testing.T) *client.Client { return runtimetest.Engine(t) }

func dockerTestbot(t *testing.T, c *client.Client) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	img, err := runtimetest.TestbotImage(ctx, c)
	if err != nil {
		t.Fatalf("testbot image: %v", err)
	}
	return img
}

// dockerCleanup removes the test's containers, then its network.
func dockerCleanup(t *testing.T, c *client.Client, tok, network string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	list, err := c.ContainerList(ctx, client.ContainerListOptions{All: true,
		Filters: make(client.Filters).Add("label", "botrunner.test.run="+tok)})
	if err != nil {
		t.Errorf("cleanup: %v", err)
	}
	for _, ct := range list.Items {
		if _, err := c.ContainerRemove(ctx, ct.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
			t.Errorf("cleanup: remove %s: %v", ct.ID, err)
		}
	}
	nets, _ := c.NetworkList(ctx, client.NetworkListOptions{Filters: make(client.Filters).Add("name", network)})
	for _, n := range nets.Items {
		if n.Name == network {
			if _, err := c.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil {
				t.Errorf("cleanup: %v", fmt.Errorf("remove network %s: %w", n.Name, err))
			}
		}
	}
}
