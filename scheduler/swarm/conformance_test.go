package swarm

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/registry"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
	"github.com/botrunner/botrunner/testsupport/schedulertest"
)

// TestConformance runs the scheduler suite on a real single-node swarm,
// images through a real registry: each subtest is a gitd instance of its
// own.
func TestConformance(t *testing.T) {
	ctx, c := onSwarm(t, 5*time.Minute)
	img, err := runtimetest.TestbotImage(ctx, c)
	require.NoError(t, err)
	target := testRegistry(t)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	schedulertest.Run(t, func(t *testing.T, tm schedulertest.Timing) (scheduler.Scheduler, schedulertest.Images) {
		s := New(c, registry.New(c, target, log), Config{Options: Options{Instance: "st" + token(), StopGrace: tm.StopGrace},
			RestartDelay: tm.RestartDelay, MaxRuntime: tm.MaxRuntime, Poll: 200 * time.Millisecond, Log: log})
		return s, schedulertest.Images{Image: img, User: runtimetest.TestbotUser}
	})
}

func token() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
