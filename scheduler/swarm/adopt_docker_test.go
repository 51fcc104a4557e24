package swarm

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/registry"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
	"github.com/botrunner/botrunner/testsupport/testenv"
)

// TestAdoption: a second Scheduler of the same gitd instance (gitd
// restarted) finds the running service, reports it running with the very
// task the first one started, and leaves it running.
func TestAdoption(t *testing.T) {
	ctx, c := onSwarm(t, 3*time.Minute)
	img, err := runtimetest.TestbotImage(ctx, c)
	require.NoError(t, err)
	pusher := registry.New(c, testRegistry(t), nil)
	cfg := Config{Options: Options{Instance: "adopt" + token()}, Poll: 200 * time.Millisecond}
	first := New(c, pusher, cfg)
	app := strings.ReplaceAll(testenv.UniqueName("swa"), "_", "-")
	t.Cleanup(func() { _ = first.Remove(context.Background(), app) })
	p, err := first.Deploy(ctx, scheduler.Release{App: app, Owner: "ann", Number: 1, Image: img, Cmd: []string{"sleep"},
		User: runtimetest.TestbotUser, StartCheck: time.Second}, io.Discard)
	require.NoError(t, err)
	require.NoError(t, p.Accept(ctx))

	second := New(c, pusher, cfg) // gitd restarted
	bots, err := second.List(ctx)
	require.NoError(t, err)
	require.Len(t, bots, 1)
	assert.Equal(t, app, bots[0].App)
	var mu sync.Mutex
	var seen []scheduler.Event
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = second.Run(runCtx, nil, scheduler.HandlerFunc(func(e scheduler.Event) { mu.Lock(); seen = append(seen, e); mu.Unlock() }))
	}()
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) > 0 }, time.Minute, 100*time.Millisecond)
	stop()
	<-done
	mu.Lock()
	assert.Equal(t, scheduler.Event{Kind: scheduler.EventRunning, App: app, Release: 1, Instance: p.Instance()}, seen[0])
	mu.Unlock()
	st, err := second.Status(ctx, app)
	require.NoError(t, err)
	require.Len(t, st.Instances, 1)
	assert.Equal(t, p.Instance(), st.Instances[0].ID, "the same task, left running")
	assert.True(t, st.Instances[0].Running)
}
