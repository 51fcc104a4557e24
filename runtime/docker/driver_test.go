package docker_test

import (
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
)

// TestConformance runs the shared driver suite on the real engine. Every
// subtest has its own Driver, so their first Creates race to create the
// shared network: the duplicate-name resolution runs for real.
func TestConformance(t *testing.T) {
	c := engine(t)
	img := testbot(t, c)
	sc := newScope(t, c)
	began := time.Now()
	t.Cleanup(func() { t.Logf("docker conformance suite: %v", time.Since(began).Round(time.Millisecond)) })
	runtimetest.Run(t, func(t *testing.T) (runtime.Driver, runtimetest.Images) {
		im := runtimetest.Testbot(img)
		im.Network = sc.Network
		im.Labels = sc.Labels
		return docker.New(c, logger(t)), im
	})
}
