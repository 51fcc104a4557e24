package build

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/testsupport/testenv"
)

// These tests build on the real engine, with the Python image testenv
// makes locally (no registry can be reached). Each uses a random app name
// and removes its images when it ends.

// dockerBuilder returns a Builder on the real engine with the test Python
// image as its base, and a fresh app name. The test runs in parallel with
// the package's other engine tests: a build mostly waits on the engine
// (step containers on a slow storage driver), so builds overlap well, and
// each test has its own app name, images and networks.
func dockerBuilder(t *testing.T, o Options) (*Builder, string) {
	t.Helper()
	testenv.RequireDocker(t)
	t.Parallel()
	base, err := testenv.PythonImage(t.Context())
	require.NoError(t, err, "python base image")
	c, err := client.New(client.FromEnv)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	o.BaseImage = base
	o.Labels = map[string]string{"botrunner.test": "1"}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Minute
	}
	o.Log = slog.New(slog.NewTextHandler(t.Output(), nil))
	return New(NewDockerEngine(c), o), strings.ReplaceAll(testenv.UniqueName("bt"), "_", "-")
}

// dockerBuild builds files as app's release and removes the image when
// the test ends; the output is returned whatever happens.
func dockerBuild(t *testing.T, b *Builder, app string, release int, files map[string]string, s Settings) (Result, string, error) {
	t.Helper()
	var out strings.Builder
	r := Request{App: app, Owner: "tester", Release: release, Dir: writeTree(t, files), Settings: s, Output: &out}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		assert.NoError(t, b.RemoveImage(ctx, Tag(app, release)))
	})
	res, err := b.Build(t.Context(), r)
	t.Logf("build output of %s v%d:\n%s", app, release, out.String())
	if err != nil {
		removeFailedLeaf(t, b, out.String())
	}
	return res, out.String(), err
}

var layerLine = regexp.MustCompile(`(?m)^ ---> ([0-9a-f]{12})$`)

// removeFailedLeaf removes the untagged image a failed build leaves as its
// last layer, and the untagged parents only it uses. The engine keeps them
// as cache (a server's GC prunes dangling images); a test cleans up. An
// image with a tag (the base) or with children (shared cache) stays.
func removeFailedLeaf(t *testing.T, b *Builder, out string) {
	m := layerLine.FindAllStringSubmatch(out, -1)
	if len(m) == 0 {
		return
	}
	id := m[len(m)-1][1]
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		img, err := b.engine.ImageInspect(ctx, id)
		if err != nil || len(img.RepoTags) > 0 {
			return
		}
		_, _ = b.engine.ImageRemove(ctx, id, client.ImageRemoveOptions{PruneChildren: true})
	})
}

// dockerRun runs the image with no network and returns its output.
func dockerRun(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "docker", append([]string{"run", "--rm", "--network", "none"}, args...)...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "docker run: %s", out)
	return strings.TrimSpace(string(out))
}

const helperBot = `from helper import greet
print(greet("bot"))
`

func TestDockerSimple(t *testing.T) {
	b, app := dockerBuilder(t, Options{})
	res, _, err := dockerBuild(t, b, app, 1, map[string]string{
		"bot.py": helperBot, "helper.py": "def greet(n):\n    return 'hello ' + n\n",
	}, Settings{})
	require.NoError(t, err)
	assert.Equal(t, "simple", res.Strategy)
	assert.Equal(t, "bot.py", res.Detail)
	assert.True(t, strings.HasPrefix(res.Image, "sha256:"), res.Image)
	assert.Equal(t, "botrunner/"+app+":v1", res.Tag)
	assert.False(t, res.DepsCached)
	assert.Equal(t, "10001:10001", res.User)

	assert.Equal(t, "hello bot", dockerRun(t, res.Tag))
	assert.Equal(t, "10001:10001", dockerRun(t, "--entrypoint", "sh", res.Tag, "-c", `echo "$(id -u):$(id -g)"`))
	files := dockerRun(t, "--entrypoint", "ls", res.Tag, "-A", "/app")
	assert.NotContains(t, files, ".botrunner.Dockerfile", "the generated files stay out of the image")
	assert.NotContains(t, files, ".dockerignore")
	labels := dockerInspect(t, res.Image, "{{json .Config.Labels}}")
	assert.Contains(t, labels, fmt.Sprintf(`"botrunner.app":"%s"`, app))
	assert.Contains(t, labels, `"botrunner.release":"1"`)
	assert.Contains(t, labels, `"botrunner.owner":"tester"`)
}

func dockerInspect(t *testing.T, ref, format string) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "docker", "image", "inspect", "--format", format, ref).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

func TestDockerDepsCached(t *testing.T) {
	b, app := dockerBuilder(t, Options{})
	// A comment unique to this run: the first build cannot find the
	// dependency layer in the machine's cache, the second must.
	files := map[string]string{
		"requirements.txt": "# no packages; " + app + "\n",
		"main.py":          "print('v1')\n",
	}
	res, _, err := dockerBuild(t, b, app, 1, files, Settings{})
	require.NoError(t, err)
	assert.Equal(t, "main.py, requirements.txt", res.Detail)
	assert.False(t, res.DepsCached)

	files["main.py"] = "print('v2')\n"
	res2, out, err := dockerBuild(t, b, app, 2, files, Settings{})
	require.NoError(t, err)
	assert.True(t, res2.DepsCached, "a code-only push reuses the dependency layer:\n%s", out)
	assert.NotEqual(t, res.Image, res2.Image)
	assert.Equal(t, "v2", dockerRun(t, res2.Tag))
}

func TestDockerSyntaxError(t *testing.T) {
	b, app := dockerBuilder(t, Options{})
	_, out, err := dockerBuild(t, b, app, 1, map[string]string{"bot.py": "def broken(:\n    pass\n"}, Settings{})
	require.ErrorIs(t, err, ErrBuildFailed)
	assert.Contains(t, err.Error(), "compile(")
	assert.Contains(t, out, "SyntaxError")
	assert.Contains(t, out, `File "/app/bot.py", line 1`, "the error names the file and line")
	assert.Contains(t, hint.TipOf(err), "syntax error")
}

func TestDockerDockerfile(t *testing.T) {
	b, app := dockerBuilder(t, Options{})
	res, _, err := dockerBuild(t, b, app, 3, map[string]string{
		"Dockerfile": "FROM " + b.opts.BaseImage + "\nCOPY . /srv\nCMD [\"python\", \"/srv/run.py\"]\n",
		"run.py":     "print('from dockerfile')\n",
		"bot.py":     "raise SystemExit('not this one')\n",
	}, Settings{})
	require.NoError(t, err)
	assert.Equal(t, "dockerfile", res.Strategy)
	assert.Empty(t, res.User, "the Dockerfile sets no USER: root")
	assert.Equal(t, "from dockerfile", dockerRun(t, res.Tag))
}

func TestDockerBrokenDockerfile(t *testing.T) {
	b, app := dockerBuilder(t, Options{})
	_, _, err := dockerBuild(t, b, app, 1, map[string]string{
		"Dockerfile": "FROM " + b.opts.BaseImage + "\nFROBNICATE now\n",
	}, Settings{})
	require.ErrorIs(t, err, ErrBuildFailed)
	assert.Contains(t, strings.ToLower(err.Error()), "unknown instruction")
	assert.Contains(t, hint.TipOf(err), "Dockerfile")
}

func TestDockerTimeout(t *testing.T) {
	b, app := dockerBuilder(t, Options{Timeout: 3 * time.Second})
	began := time.Now()
	_, _, err := dockerBuild(t, b, app, 1, map[string]string{
		"Dockerfile": "FROM " + b.opts.BaseImage + "\nRUN sleep 60\n",
	}, Settings{})
	require.ErrorIs(t, err, ErrBuildTimeout)
	assert.Equal(t, "build timed out after 3s", err.Error())
	assert.Less(t, time.Since(began), 30*time.Second)
}

func TestDockerPipIndex(t *testing.T) {
	net := testenv.NewNetwork(t)
	idx := testenv.StartPipIndex(t, net)
	args := map[string]string{}
	for _, kv := range idx.Env() {
		k, v, _ := strings.Cut(kv, "=")
		args[k] = v
	}
	b, app := dockerBuilder(t, Options{Network: net, BuildArgs: args})
	res, _, err := dockerBuild(t, b, app, 1, map[string]string{
		"requirements.txt": "botrunner-loud\n",
		"bot.py":           "import botrunner_loud\nprint(botrunner_loud.shout('pip'))\n",
	}, Settings{})
	require.NoError(t, err)
	assert.Equal(t, "HELLO PIP!", dockerRun(t, res.Tag))
}
