package build

import (
	"context"
	"log/slog"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/testsupport/testenv"
)

// These tests build with pack on the real engine, with the offline test
// builder testenv makes (lifecycle compiled from source, a shell
// buildpack, the local Python base) and pull policy never.

// recordingEngine remembers the containers pack creates.
type recordingEngine struct {
	BuildpackEngine
	mu         sync.Mutex
	containers []created
}

type created struct {
	id, image, user string
	binds           []string
}

func (e *recordingEngine) ContainerCreate(ctx context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	res, err := e.BuildpackEngine.ContainerCreate(ctx, o)
	if err == nil {
		e.mu.Lock()
		e.containers = append(e.containers, created{id: res.ID, image: o.Config.Image, user: o.Config.User,
			binds: o.HostConfig.Binds})
		e.mu.Unlock()
	}
	return res, err
}

func (e *recordingEngine) created() []created {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]created(nil), e.containers...)
}

// cnbBuilder returns a Builder with the test CNB builder, its engine
// recorder and a fresh app name whose cache volumes go when the test ends.
func cnbBuilder(t *testing.T, o Options) (*Builder, *recordingEngine, string) {
	t.Helper()
	testenv.RequireDocker(t)
	t.Parallel() // as dockerBuilder's tests
	builder, lifecycle, err := testenv.CNBBuilder(t.Context())
	require.NoError(t, err, "test CNB builder")
	c, err := client.New(client.FromEnv)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	rec := &recordingEngine{BuildpackEngine: c}
	if o.BuildpackBuilder == "" {
		o.BuildpackBuilder = builder
	}
	o.BuildpackLifecycle, o.BuildpackPull, o.BuildpackEngine = lifecycle, "never", rec
	o.Labels = map[string]string{"botrunner.test": "1"}
	o.Timeout = 10 * time.Minute
	o.Log = slog.New(slog.NewTextHandler(t.Output(), nil))
	app := strings.ReplaceAll(testenv.UniqueName("bp"), "_", "-")
	t.Cleanup(func() {
		vol := cacheVolume("tester", app)
		_ = exec.Command("docker", "volume", "rm", "-f", vol+".build", vol+".launch", vol+".kaniko").Run()
	})
	return New(NewDockerEngine(c), o), rec, app
}

const workerBot = `import botrunner_greeting
print("worker:", botrunner_greeting.greet("world"), flush=True)
`

// A Procfile bot with a dependency from the test index: its worker (not
// web) is what the image runs, as a stranger with a read-only root, the
// way the runtime runs bots; the buildpacks never saw the engine's socket.
func TestDockerBuildpackProcfile(t *testing.T) {
	network := testenv.NewNetwork(t)
	pypi := testenv.StartPipIndex(t, network)
	args := map[string]string{}
	for _, kv := range pypi.Env() {
		k, v, _ := strings.Cut(kv, "=")
		args[k] = v
	}
	b, rec, app := cnbBuilder(t, Options{Network: network, BuildArgs: args})
	res, out, err := dockerBuild(t, b, app, 1, map[string]string{
		"Procfile":         "web: python -u web.py\nworker: python -u worker.py\n",
		"requirements.txt": testenv.GreetingPackage + "==1.0.0\n",
		"worker.py":        workerBot,
		"web.py":           "print('web ran')\n",
	}, Settings{})
	require.NoError(t, err)
	assert.Equal(t, "buildpack", res.Strategy)
	assert.Equal(t, "Procfile, worker process", res.Detail)
	assert.Equal(t, "botrunner/"+app+":v1", res.Tag)
	assert.True(t, strings.HasPrefix(res.Image, "sha256:"), res.Image)
	assert.Equal(t, "1000:1000", res.User, "the run image's user")
	for _, want := range []string{"===> DETECTING", "===> BUILDING", "===> EXPORTING",
		"[builder] installing requirements.txt", "Successfully installed botrunner-greeting-1.0.0",
		"Setting default process type 'worker'"} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "\x1b[", "no terminal colours")

	got := dockerRun(t, "--user", "10001:10001", "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL",
		"--security-opt", "no-new-privileges", res.Tag)
	assert.Equal(t, "worker: hello world", got)

	labels := dockerInspect(t, res.Image, "{{json .Config.Labels}}")
	assert.Contains(t, labels, `"botrunner.app":"`+app+`"`)
	assert.Contains(t, labels, `"botrunner.release":"1"`)
	assert.Contains(t, labels, `"io.buildpacks.lifecycle.metadata"`)

	assertSocketOnlyForLifecycle(t, rec.created())

	// Destroying the app takes its build cache with it.
	vol := cacheVolume("tester", app) + ".build"
	require.NoError(t, exec.Command("docker", "volume", "inspect", vol).Run(), "the build left a cache")
	require.NoError(t, b.RemoveCache(t.Context(), "tester", app))
	assert.Error(t, exec.Command("docker", "volume", "inspect", vol).Run(), "cache volume removed")
	require.NoError(t, b.RemoveCache(t.Context(), "tester", app), "removing it again is no error")
}

// assertSocketOnlyForLifecycle checks the untrusted flow: the detector and
// builder ran from the builder image without the socket and not as root;
// the socket went only to the lifecycle image's phases.
func assertSocketOnlyForLifecycle(t *testing.T, cs []created) {
	t.Helper()
	var lifecycleSocket, builderPhases int
	for _, c := range cs {
		socket := strings.Contains(strings.Join(c.binds, " "), "docker.sock")
		if strings.HasPrefix(c.image, lifecyclePrefix) {
			if socket {
				lifecycleSocket++
			}
			continue
		}
		builderPhases++
		assert.False(t, socket, "container of %s has the socket: %v", c.image, c.binds)
		assert.NotEqual(t, "root", c.user, "container of %s runs as root", c.image)
	}
	assert.Equal(t, 2, builderPhases, "detector and builder")
	assert.Positive(t, lifecycleSocket, "analyzer/exporter reach the engine")
}

func TestDockerBuildpackNoneDetected(t *testing.T) {
	b, _, app := cnbBuilder(t, Options{})
	_, out, err := dockerBuild(t, b, app, 1, map[string]string{
		"project.toml": "[_]\nschema-version = \"0.2\"\n", "bot.py": "print(1)\n"}, Settings{})
	require.Error(t, err)
	assert.Equal(t, "NO_BUILDPACK", hint.CodeOf(err), "%v", err)
	assert.Contains(t, err.Error(), "no buildpack of builder "+testenv.CNBBuilderTag)
	assert.Contains(t, out, "no Procfile: not a botrunner test app")
	assert.False(t, b.ImageExists(t.Context(), Tag(app, 1)))
}

func TestDockerBuildpackBuilderMissing(t *testing.T) {
	b, rec, app := cnbBuilder(t, Options{BuildpackBuilder: "botrunner-test/no-such-builder:1"})
	_, _, err := dockerBuild(t, b, app, 1, map[string]string{"Procfile": "worker: python x.py\n"}, Settings{})
	require.Error(t, err)
	assert.Equal(t, "BUILDER_UNAVAILABLE", hint.CodeOf(err))
	assert.Equal(t, "builder botrunner-test/no-such-builder:1 is not on this engine: pull it or set GITD_BUILDPACK_BUILDER",
		err.Error())
	assert.Empty(t, rec.created())
}

// A push that goes away cancels the build: the phase container running
// then is removed, and no image is left.
func TestDockerBuildpackCancel(t *testing.T) {
	b, rec, app := cnbBuilder(t, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out := &cancelOn{want: "sleeping as asked", cancel: cancel}
	dir := writeTree(t, map[string]string{"Procfile": "worker: python -u worker.py\n",
		".botrunner-test-sleep": "600", "worker.py": "print(1)\n"})
	_, err := b.Build(ctx, Request{App: app, Owner: "tester", Release: 1, Dir: dir, Output: out})
	require.ErrorIs(t, err, context.Canceled)
	c, err := client.New(client.FromEnv)
	require.NoError(t, err)
	defer c.Close()
	cs := rec.created()
	require.NotEmpty(t, cs)
	for _, cr := range cs {
		_, err := c.ContainerInspect(context.Background(), cr.id, client.ContainerInspectOptions{})
		assert.Error(t, err, "container %s of %s is still there", cr.id, cr.image)
	}
	assert.False(t, b.ImageExists(context.Background(), Tag(app, 1)))
}

// cancelOn cancels when a line containing want is written.
type cancelOn struct {
	mu     sync.Mutex
	want   string
	cancel func()
	buf    strings.Builder
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if strings.Contains(string(p), c.want) {
		c.cancel()
	}
	return len(p), nil
}
