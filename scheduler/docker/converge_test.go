package docker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/scheduler"
	dockersched "github.com/botrunner/botrunner/scheduler/docker"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

// TestConvergeKnowsStopGrace: a gitd started again learns each app's stop
// grace from the reconcile, so an operator's stop gives the bot the app's
// stop-grace, not the server's default.
func TestConvergeKnowsStopGrace(t *testing.T) {
	ctx := context.Background()
	rt := fakeruntime.New()
	rt.Image("sha256:bot", fakeruntime.Behaviour{})
	s := dockersched.New(rt, rt, dockersched.Options{Instance: "conv1", StopGrace: 3 * time.Second})
	r := scheduler.Release{App: "grace-bot", Owner: "ann", Number: 1, Image: "sha256:bot", User: "10001:10001",
		StopGrace: 7 * time.Second}
	require.NoError(t, s.Converge(ctx, r.App, &r, true))
	var out strings.Builder
	stopped, err := s.Stop(ctx, r.App, "ann", &out)
	require.NoError(t, err)
	assert.True(t, stopped)
	assert.Contains(t, out.String(), "(SIGTERM, 7s grace)")
}
