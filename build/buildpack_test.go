package build

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/buildpacks/pack/pkg/cache"
	"github.com/buildpacks/pack/pkg/image"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func TestProcfileProcess(t *testing.T) {
	tests := []struct {
		name, procfile, want, wantErr string
	}{
		{name: "worker wins", procfile: "web: python web.py\nworker: python -u bot.py\n", want: "worker"},
		{name: "web next", procfile: "release: ./migrate\nweb: gunicorn app:app\n", want: "web"},
		{name: "the only one", procfile: "bot: python bot.py", want: "bot"},
		{name: "comments and blanks", procfile: "# the bot\n\n  worker:python bot.py  \n", want: "worker"},
		{name: "colons in the command", procfile: "worker: python -c 'print(1)' --opt=a:b\n", want: "worker"},
		{name: "CRLF", procfile: "worker: python bot.py\r\n", want: "worker"},
		{name: "empty", procfile: "", wantErr: "invalid Procfile: it lists no process"},
		{name: "only comments", procfile: "# nothing\n", wantErr: "it lists no process"},
		{name: "no colon", procfile: "worker python bot.py\n", wantErr: "line 1 is not `name: command`"},
		{name: "bad name", procfile: "my worker: x\n", wantErr: "line 1 is not"},
		{name: "no command", procfile: "web: x\nworker:\n", wantErr: "line 2: process worker has no command"},
		{name: "twice", procfile: "worker: a\nworker: b\n", wantErr: "line 2: process worker is listed twice"},
		{name: "ambiguous", procfile: "a: x\nb: y\n", wantErr: "it lists a, b but no worker or web process"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := procfileProcess([]byte(tc.procfile))
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.Equal(t, "INVALID_PROCFILE", hint.CodeOf(err))
				assert.Contains(t, hint.TipOf(err), "worker: python -u bot.py")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseProcfileKeepsCommands(t *testing.T) {
	procs, err := parseProcfile(strings.NewReader("web: gunicorn -b :$PORT app:app\nworker: python -u bot.py\n"))
	require.NoError(t, err)
	assert.Equal(t, []process{{"web", "gunicorn -b :$PORT app:app"}, {"worker", "python -u bot.py"}}, procs)
}

func TestPullPolicy(t *testing.T) {
	for in, want := range map[string]image.PullPolicy{
		"": image.PullIfNotPresent, "if-not-present": image.PullIfNotPresent,
		"never": image.PullNever, "always": image.PullAlways,
	} {
		got, err := pullPolicy(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := pullPolicy("sometimes")
	assert.Error(t, err)
}

// The options pack gets: untrusted flow, the app's own cache volumes, the
// operator's build args as the only env, the builder's own user.
func TestPackOptions(t *testing.T) {
	b := New(&fakeEngine{}, Options{BuildpackLifecycle: "lc:1",
		BuildArgs: map[string]string{"PIP_INDEX_URL": "http://mirror/simple/"}})
	j := &job{req: Request{App: "my-bot", Owner: "ann", Release: 3, Dir: "/tmp/checkout"}, network: "buildnet"}
	o := b.packOptions(j, Tag("my-bot", 3), image.PullNever, "worker")
	assert.Equal(t, "botrunner/my-bot:v3", o.Image)
	assert.Equal(t, DefaultBuildpackBuilder, o.Builder)
	assert.Equal(t, "/tmp/checkout", o.AppPath)
	assert.Equal(t, "lc:1", o.LifecycleImage)
	assert.Equal(t, image.PullNever, o.PullPolicy)
	assert.Equal(t, "worker", o.DefaultProcessType)
	assert.Equal(t, "buildnet", o.ContainerConfig.Network)
	assert.Equal(t, map[string]string{"PIP_INDEX_URL": "http://mirror/simple/"}, o.Env)
	require.NotNil(t, o.TrustBuilder)
	assert.False(t, o.TrustBuilder(DefaultBuildpackBuilder), "never the trusted (creator) flow")
	assert.Equal(t, -1, o.UserID)
	assert.Equal(t, -1, o.GroupID)
	vol := cacheVolume("ann", "my-bot")
	assert.Equal(t, cache.CacheInfo{Format: cache.CacheVolume, Source: vol + ".build"}, o.Cache.Build)
	assert.Equal(t, vol+".launch", o.Cache.Launch.Source)
	assert.True(t, strings.HasPrefix(vol, "botrunner-cnb-my-bot-"), vol)
	assert.NotEqual(t, vol, cacheVolume("bob", "my-bot"), "another owner's app of that name gets another cache")
}

type createRecorder struct {
	BuildpackEngine
	got *client.ContainerCreateOptions
}

func (r *createRecorder) ContainerCreate(_ context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	r.got = &o
	return client.ContainerCreateResult{ID: "c1"}, nil
}

func TestGuardedEngine(t *testing.T) {
	sock := []string{"/var/run/docker.sock:/var/run/docker.sock"}
	tests := []struct {
		name    string
		image   string
		binds   []string
		env     []string
		refused bool
	}{
		{name: "builder phase", image: "pack.local/builder/abc:latest", binds: []string{"pack-layers-x:/layers"}},
		{name: "builder with socket", image: "pack.local/builder/abc:latest", binds: sock, refused: true},
		{name: "builder image with socket", image: "heroku/builder:24", binds: sock, refused: true},
		{name: "builder with DOCKER_HOST", image: "heroku/builder:24", env: []string{"DOCKER_HOST=tcp://x:2375"}, refused: true},
		{name: "lifecycle with socket", image: "pack.local/lifecycle/abc:latest", binds: sock},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &createRecorder{}
			e := &guardedEngine{BuildpackEngine: rec, memory: 512 << 20, pids: 256}
			_, err := e.ContainerCreate(t.Context(), client.ContainerCreateOptions{
				Config:     &container.Config{Image: tc.image, Env: tc.env},
				HostConfig: &container.HostConfig{Binds: tc.binds},
			})
			if tc.refused {
				require.ErrorIs(t, err, errSocketRefused)
				assert.Nil(t, rec.got, "nothing was created")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, int64(512<<20), rec.got.HostConfig.Memory)
			assert.Equal(t, int64(512<<20), rec.got.HostConfig.MemorySwap, "no swap on top")
			require.NotNil(t, rec.got.HostConfig.PidsLimit)
			assert.Equal(t, int64(256), *rec.got.HostConfig.PidsLimit)
		})
	}
}

func TestLineWriter(t *testing.T) {
	var out strings.Builder
	w := newLineWriter(&out)
	for _, chunk := range []string{"\x1b[36m===> DETECTING\x1b[0m\n[detector] pa", "rtial\r\n", "progress 10%\rprogress 100%\n", "tail"} {
		_, err := w.Write([]byte(chunk))
		require.NoError(t, err)
	}
	w.Flush()
	assert.Equal(t, "===> DETECTING\n[detector] partial\nprogress 100%\ntail\n", out.String())
}

func TestPackLoggerPhase(t *testing.T) {
	var out strings.Builder
	l := &packLogger{out: newLineWriter(&out), log: discardLog()}
	l.Info("\x1b[36m===> BUILDING\x1b[0m")
	_, _ = l.Writer().Write([]byte("[builder] ERROR: failed to build: exit status 1\n"))
	l.Warn("pack is running in a container") // for the operator, not the pusher
	l.Debugf("container settings %d", 1)
	assert.Equal(t, "BUILDING", l.Phase())
	assert.Equal(t, "failed to build: exit status 1", l.LastError())
	assert.Equal(t, "===> BUILDING\n[builder] ERROR: failed to build: exit status 1\n", out.String())
}

func TestPhaseError(t *testing.T) {
	cause := errors.New("executing lifecycle: failed with status code: 20")
	tests := []struct {
		phase, msg, last, wantCode, wantMsg, wantTip string
	}{
		{"DETECTING", "failed with status code: 20", "", "NO_BUILDPACK", "no buildpack of builder b:1 recognised the app", "requirements.txt"},
		{"DETECTING", "failed with status code: 21", "", "NO_BUILDPACK", "recognised", "Dockerfile"},
		{"BUILDING", "failed with status code: 51", "failed to build: exit status 1", "BUILD_FAILED",
			"build failed: a buildpack failed: failed to build: exit status 1", "buildpack's output"},
		{"EXPORTING", "failed with status code: 62", "failed to export: tried to set worker to default but it doesn't exist",
			"BUILD_FAILED", "tried to set worker", "Procfile"},
		{"ANALYZING", "failed with status code: 1", "", "BUILD_FAILED", "build failed in the analyzing phase", "operator"},
		{"", "Builder 'b:1' is incompatible with this version of pack", "", "BUILD_FAILED", "incompatible", "GITD_BUILDPACK_BUILDER"},
		{"ANALYZING", "failed with status code: 1", "failed to initialize analyzer: getting previous image: Error response from daemon: " +
			"client version 1.52 is too new. Maximum supported API version is 1.41", "BUILDER_UNAVAILABLE",
			"the buildpack lifecycle cannot talk to this Docker Engine", "GITD_BUILDPACK_LIFECYCLE_IMAGE"},
	}
	for _, tc := range tests {
		err := phaseError(tc.phase, tc.msg, tc.last, "b:1", cause)
		assert.Equal(t, tc.wantCode, hint.CodeOf(err), "%s: %v", tc.phase, err)
		assert.Contains(t, err.Error(), tc.wantMsg)
		assert.Contains(t, hint.TipOf(err), tc.wantTip)
		assert.ErrorIs(t, err, cause)
	}
}

func TestBuildpackBuilderMissingHint(t *testing.T) {
	b := New(&fakeEngine{}, Options{BuildpackEngine: &createRecorder{}})
	err := b.missingBuilder(errors.New("No such image"))
	assert.Equal(t, "BUILDER_UNAVAILABLE", hint.CodeOf(err))
	assert.Equal(t, "builder heroku/builder:24 is not on this engine: pull it or set GITD_BUILDPACK_BUILDER", err.Error())
	assert.Contains(t, hint.TipOf(err), "Dockerfile")
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }
