package build

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// forkPy forks up to 1,000 children that sleep, and prints how many
// forks succeeded before the first failed.
const forkPy = `import os, signal, time
kids = []
for _ in range(1000):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    kids.append(pid)
print("forked", len(kids), flush=True)
for pid in kids:
    os.kill(pid, signal.SIGKILL)
for pid in kids:
    os.waitpid(pid, 0)
`

var forkedLine = regexp.MustCompile(`(?m)^forked (\d+)$`)

// limitedBuilder is dockerBuilder with the engine's cgroup driver, and
// the process limit checked to be enforceable here.
func limitedBuilder(t *testing.T, o Options) (*Builder, string) {
	b, app := dockerBuilder(t, o)
	c, err := client.New(client.FromEnv)
	require.NoError(t, err)
	defer c.Close()
	info, err := c.Info(t.Context(), client.InfoOptions{})
	require.NoError(t, err)
	o.BaseImage, o.Labels, o.Log, o.Timeout = b.opts.BaseImage, b.opts.Labels, b.opts.Log, b.opts.Timeout
	o.CgroupDriver = info.Info.CgroupDriver
	b = New(b.engine, o)
	if o.Pids > 0 && b.pids == nil {
		ci.Missing(t, "a writable cgroup fs and the engine's cgroupfs driver (build process limits)")
	}
	return b, app
}

func TestDockerBuildPids(t *testing.T) {
	const limit = 64
	b, app := limitedBuilder(t, Options{Pids: limit})
	_, out, err := dockerBuild(t, b, app, 1, map[string]string{
		"Dockerfile": "FROM " + b.opts.BaseImage + "\nCOPY fork.py /fork.py\nRUN python3 /fork.py\n",
		"fork.py":    forkPy,
	}, Settings{})
	require.NoError(t, err)
	m := forkedLine.FindStringSubmatch(out)
	require.NotNil(t, m, "the build printed its fork count")
	n, _ := strconv.Atoi(m[1])
	assert.Less(t, n, limit, "sh and python count too: fewer than the limit forked")
	assert.Positive(t, n)
}

func TestDockerBuildDiskBudget(t *testing.T) {
	b, app := limitedBuilder(t, Options{Disk: 64 << 20, DiskPoll: 200 * time.Millisecond})
	_, out, err := dockerBuild(t, b, app, 1, map[string]string{
		"Dockerfile": "FROM " + b.opts.BaseImage + "\nCOPY data.txt /data.txt\n" +
			"RUN dd if=/dev/zero of=/big bs=1M count=4000 && sleep 600\n",
		"data.txt": app,
	}, Settings{})
	require.ErrorIs(t, err, ErrBuildDiskExceeded)
	m := regexp.MustCompile(`(?m)^ ---> Running in ([0-9a-f]{12})$`).FindAllStringSubmatch(out, -1)
	require.NotEmpty(t, m, "the build ran a step container")
	id := m[len(m)-1][1]

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	assert.False(t, b.ImageExists(ctx, Tag(app, 1)), "no image is tagged")
	layers := regexp.MustCompile(`(?m)^ ---> ([0-9a-f]{12})$`).FindAllStringSubmatch(out, -1)
	require.NotEmpty(t, layers)
	assert.False(t, b.ImageExists(ctx, layers[len(layers)-1][1]), "the COPY layer of the cancelled build is removed")
	// The engine removes the killed step container as it unwinds the build.
	assert.Eventually(t, func() bool {
		_, err := b.engine.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		return err != nil
	}, 30*time.Second, 200*time.Millisecond, "step container %s is removed", id)
}
