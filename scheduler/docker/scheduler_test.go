package docker_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/runtime/supervisor"
	"github.com/botrunner/botrunner/scheduler"
	dockersched "github.com/botrunner/botrunner/scheduler/docker"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
	"github.com/botrunner/botrunner/testsupport/schedulertest"
)

// TestConformance runs the scheduler suite on the real engine: each
// subtest is a gitd instance of its own, all on one network of this test.
func TestConformance(t *testing.T) {
	c := runtimetest.Engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	img, err := runtimetest.TestbotImage(ctx, c)
	if err != nil {
		t.Fatalf("testbot image: %v", err)
	}
	sc := runtimetest.NewScope(t, c)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	schedulertest.Run(t, func(t *testing.T, tm schedulertest.Timing) (scheduler.Scheduler, schedulertest.Images) {
		drv := docker.New(c, log)
		s := dockersched.New(drv, drv, dockersched.Options{Instance: "st" + token(), Network: sc.Network,
			Labels: sc.Labels, StopGrace: tm.StopGrace, Log: log,
			Policy: supervisor.Policy{BaseDelay: tm.RestartDelay, MaxRuntime: tm.MaxRuntime}})
		return s, schedulertest.Images{Image: img, User: runtimetest.TestbotUser}
	})
}

func token() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
