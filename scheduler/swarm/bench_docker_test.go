package swarm

import (
	"context"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/registry"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
	"github.com/botrunner/botrunner/testsupport/testenv"
)

// BenchmarkRedeploy compares a code-only redeploy through the scheduler
// (registry copy, stop-first update, start check) with `docker service
// update --force` of the same service and image, which also waits for the
// update to converge through the same monitor window (the start check).
// Run: go test -run '^$' -bench Redeploy -benchtime 5x ./scheduler/swarm
func BenchmarkRedeploy(b *testing.B) {
	testenv.Swarm(b)
	ctx := context.Background()
	c, err := client.New(client.FromEnv)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	img, err := runtimetest.TestbotImage(ctx, c)
	if err != nil {
		b.Fatal(err)
	}
	s := New(c, registry.New(c, testRegistry(b), nil), Config{Options: Options{Instance: "bench" + token()}, Poll: 100 * time.Millisecond})
	app := strings.ReplaceAll(testenv.UniqueName("swb"), "_", "-")
	rel := func(n int) scheduler.Release {
		return scheduler.Release{App: app, Owner: "bench", Number: n, Image: img, Cmd: []string{"sleep"},
			User: runtimetest.TestbotUser, StartCheck: time.Second}
	}
	b.Cleanup(func() { _ = s.Remove(context.Background(), app) })
	deploy := func(n int) {
		p, err := s.Deploy(ctx, rel(n), io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		_ = p.Accept(ctx)
	}
	deploy(1)
	n := 1
	b.Run("gitd-scheduler", func(b *testing.B) {
		for b.Loop() {
			n++
			deploy(n)
		}
	})
	svc, _, err := s.service(ctx, app)
	if err != nil {
		b.Fatal(err)
	}
	image := svc.Spec.TaskTemplate.ContainerSpec.Image
	b.Run("docker-service-update", func(b *testing.B) {
		for b.Loop() {
			out, err := exec.Command("docker", "--config", b.TempDir(), "service", "update", "--quiet", "--force",
				"--image", image, s.name(app)).CombinedOutput()
			if err != nil {
				b.Fatalf("docker service update: %v: %s", err, out)
			}
		}
	})
}
