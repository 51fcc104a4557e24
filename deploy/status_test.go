package deploy

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/runtime"
	dockersched "github.com/botrunner/botrunner/scheduler/docker"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

// runContainer starts a container of release n of the app outside the
// pipeline (as one adopted after a gitd restart) and returns its ID once
// the run has ended, if the image ends on its own.
func runContainer(t *testing.T, h *harness, image string, b fakeruntime.Behaviour, n int) string {
	t.Helper()
	ctx := context.Background()
	h.rt.Image(image, b)
	id, err := h.rt.Create(ctx, runtime.Spec{Image: image, User: "10001:10001",
		Labels: runtime.Labels(testApp, testOwner, n)})
	require.NoError(t, err)
	exited := h.rt.Wait(ctx, id)
	require.NoError(t, h.rt.Start(ctx, id))
	if b.OOM || b.ExitCode != 0 || b.Exit {
		<-exited
	}
	return id
}

func TestAppStatus(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, h *harness)
		want  Status // Since is checked apart; Limits always come from the config
	}{
		{name: "not deployed yet", setup: func(t *testing.T, h *harness) {},
			want: Status{State: "new", Reason: "not deployed yet"}},
		{name: "running", setup: func(t *testing.T, h *harness) { h.mustDeploy() },
			want: Status{State: "running", Release: 1, Image: goodImage}},
		{name: "crashed", setup: func(t *testing.T, h *harness) {
			id := h.mustDeploy()
			require.NoError(t, h.rt.Exit(id, 1))
		}, want: Status{State: "crashed", Release: 1, Image: goodImage, ExitCode: 1, Reason: "exited with code 1"}},
		{name: "out of memory", setup: func(t *testing.T, h *harness) {
			runContainer(t, h, "sha256:hungry", fakeruntime.Behaviour{OOM: true}, 1)
		}, want: Status{State: "crashed", Release: 1, Image: "sha256:hungry", ExitCode: 137, Reason: "killed: out of memory"}},
		{name: "exited cleanly", setup: func(t *testing.T, h *harness) {
			runContainer(t, h, "sha256:done", fakeruntime.Behaviour{Exit: true}, 1)
		}, want: Status{State: "stopped", Release: 1, Image: "sha256:done", Reason: "exited with code 0"}},
		{name: "failed first deploy", setup: func(t *testing.T, h *harness) {
			h.b.images[1] = crashImage
			h.rt.Image(crashImage, crashing)
			_, err := h.run(context.Background(), "refs/heads/main")
			require.Error(t, err)
		}, want: Status{State: "failed", Release: 1, Reason: "v1 exited with code 3 during the start check"}},
		{name: "failed second deploy keeps the first running", setup: func(t *testing.T, h *harness) {
			h.mustDeploy()
			h.b.images[2] = crashImage
			h.rt.Image(crashImage, crashing)
			_, err := h.run(context.Background(), "refs/heads/main")
			require.Error(t, err)
		}, want: Status{State: "running", Release: 1, Image: goodImage}},
		{name: "no run left", setup: func(t *testing.T, h *harness) {
			// As a swarm keeps no task of a service scaled to 0.
			require.NoError(t, h.rt.Remove(context.Background(), h.mustDeploy()))
		}, want: Status{State: "stopped", Release: 1, Reason: "no run of v1 is left"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, store.AppSettings{})
			tc.setup(t, h)
			got, err := h.d.AppStatus(context.Background(), h.app())
			require.NoError(t, err)
			if tc.want.State == "new" || tc.want.Reason == "no run of v1 is left" {
				assert.True(t, got.Since.IsZero())
			} else {
				assert.WithinDuration(t, time.Now(), got.Since, time.Minute)
			}
			got.Since = time.Time{}
			tc.want.Limits = h.cfg.Limits
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestAppStatusWhileBuilding: a deploy in progress shows as its phase, from
// another goroutine, and the status follows it to running.
func TestAppStatusWhileBuilding(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	gate := make(chan struct{})
	h.b.gate = gate
	done := make(chan error, 1)
	go func() {
		_, err := h.run(context.Background(), "refs/heads/main")
		done <- err
	}()
	select {
	case <-h.b.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the build never started")
	}

	st, err := h.d.AppStatus(context.Background(), h.app())
	require.NoError(t, err)
	assert.Equal(t, "building", st.State)
	assert.Equal(t, 0, st.Release)
	assert.Equal(t, PhaseBuilding, h.d.PhaseOf(testApp))

	close(gate)
	require.NoError(t, <-done)
	st, err = h.d.AppStatus(context.Background(), h.app())
	require.NoError(t, err)
	assert.Equal(t, "running", st.State)
	assert.Equal(t, 1, st.Release)
}

// TestAppStatusBuildingOverRunning: while v2 builds, v1 keeps running and
// the status says building, about v1's container.
func TestAppStatusBuildingOverRunning(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.mustDeploy()
	gate := make(chan struct{})
	h.b.mu.Lock()
	h.b.gate = gate
	h.b.mu.Unlock()
	<-h.b.entered // v1's build
	done := make(chan error, 1)
	go func() {
		_, err := h.run(context.Background(), "refs/heads/main")
		done <- err
	}()
	<-h.b.entered
	st, err := h.d.AppStatus(context.Background(), h.app())
	require.NoError(t, err)
	assert.Equal(t, "building", st.State)
	assert.Equal(t, 1, st.Release)
	assert.Equal(t, goodImage, st.Image)
	close(gate)
	require.NoError(t, <-done)
}

var errBuildForTest = &hint.Error{Code: "BUILD_FAILED", Msg: "build failed: exit status 1"}

func TestDestroy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.mustDeploy()
	h.b.images[2] = "sha256:second"
	h.rt.Image("sha256:second", fakeruntime.Behaviour{})
	h.mustDeploy()
	h.b.buildErr = errBuildForTest
	_, err := h.run(context.Background(), "refs/heads/main") // v3 fails to build: no image
	require.Error(t, err)
	stray := runContainer(t, h, "sha256:stray", fakeruntime.Behaviour{Exit: true, ExitCode: 2}, 1)
	ctx := context.Background()
	other, err := h.rt.Create(ctx, runtime.Spec{Image: goodImage, User: "10001:10001",
		Labels: runtime.Labels("other-bot", testOwner, 1)})
	require.NoError(t, err)
	require.NoError(t, h.rt.Start(ctx, other))
	require.Len(t, h.containers(), 2)

	dropped := &droppingScheduler{Scheduler: h.sched}
	h.d = New(h.cfg, h.st, h.b, dropped, testRepos{h}, nil)
	require.NoError(t, h.d.Destroy(ctx, testApp))
	assert.Equal(t, []string{"botrunner/echo-bot:v1", "botrunner/echo-bot:v2", "botrunner/echo-bot:v3"}, dropped.refs,
		"the scheduler's copies (a swarm's registry) go too")
	assert.Empty(t, h.containers(), "nothing of the app is left")
	_, err = h.rt.Inspect(ctx, stray)
	assert.ErrorIs(t, err, runtime.ErrNotFound)
	st, err := h.rt.Inspect(ctx, other)
	require.NoError(t, err, "other apps are left alone")
	assert.True(t, st.Running)
	// v3's build failed; a build cut short may still have tagged its image,
	// so its tag goes too when the engine has it (the fake says it has).
	assert.Equal(t, []string{"botrunner/echo-bot:v1", "botrunner/echo-bot:v2", "botrunner/echo-bot:v3"},
		h.b.removedImages())
	h.b.mu.Lock()
	defer h.b.mu.Unlock()
	assert.Equal(t, []string{testOwner + "/" + testApp}, h.b.caches, "the build cache goes too")
}

// droppingScheduler records the images the engine asks a scheduler to drop.
type droppingScheduler struct {
	*dockersched.Scheduler
	refs []string
}

func (s *droppingScheduler) DropImage(ctx context.Context, ref string) error {
	s.refs = append(s.refs, ref)
	return s.Scheduler.DropImage(ctx, ref)
}

// A destroy that cannot remove an image says so (the app is then kept and
// destroy can run again); a bot that does not stop is removed by force.
func TestDestroyReportsWhatIsLeft(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.mustDeploy()
	ctx := context.Background()
	h.rt.Fail("stop", errors.New("engine timeout"))
	h.b.removeErr = errors.New("image is in use")

	err := h.d.Destroy(ctx, testApp)
	require.ErrorIs(t, err, ErrDestroyIncomplete)
	assert.Contains(t, err.Error(), "1 image(s)")
	assert.NotContains(t, err.Error(), "in use", "engine details go to gitd's log")
	assert.Empty(t, h.containers(), "the container went though it did not stop")

	h.b.removeErr = nil
	require.NoError(t, h.d.Destroy(ctx, testApp), "destroy again finishes the job")
}

// TestDestroyStopAndRemoveFail: a bot that neither stops nor can be
// removed keeps the app, with DESTROY_INCOMPLETE.
func TestDestroyStopAndRemoveFail(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	id := h.mustDeploy()
	ctx := context.Background()
	h.rt.Fail("stop", errors.New("engine timeout"))
	h.rt.Fail("remove", errors.New("device or resource busy"))

	err := h.d.Destroy(ctx, testApp)
	require.ErrorIs(t, err, ErrDestroyIncomplete)
	assert.Contains(t, err.Error(), "could not be removed")
	st, err := h.rt.Inspect(ctx, id)
	require.NoError(t, err, "the container is still there")
	assert.Equal(t, id, st.ID)

	require.NoError(t, h.d.Destroy(ctx, testApp), "destroy again finishes the job")
	assert.Empty(t, h.containers())
}
