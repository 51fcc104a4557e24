package deploy

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
)

const (
	imageRef  = "127.0.0.1:5000/echo:v1"
	pulledImg = "sha256:pulled"
	goodPass  = "right-password-1234"
)

// fakePuller plays a registry holding imageRef for alice/goodPass.
type fakePuller struct {
	mu    sync.Mutex
	pulls []build.PullRequest // Output cleared
	gate  chan struct{}       // if set, Pull waits for it
	in    chan struct{}       // signalled when Pull starts
}

func (p *fakePuller) Pull(ctx context.Context, r build.PullRequest) (build.Result, error) {
	p.mu.Lock()
	out := r.Output
	r.Output = nil
	p.pulls = append(p.pulls, r)
	gate := p.gate
	p.mu.Unlock()
	if p.in != nil {
		p.in <- struct{}{}
	}
	if gate != nil {
		<-gate
	}
	fmt.Fprintf(out, "v1: Pulling from echo\n")
	switch {
	case r.Ref.Name != imageRef:
		return build.Result{}, build.ErrImageNotFound.With("image "+r.Ref.Name+" not found", nil)
	case r.Auth == nil:
		return build.Result{}, build.ErrRegistryAuth.With("the registry wants a login", nil)
	case r.Auth.Username != "alice" || r.Auth.Password != goodPass:
		return build.Result{}, build.ErrRegistryAuth.With("the registry refused the login", nil)
	}
	return build.Result{Image: pulledImg, Tag: build.Tag(r.App, r.Release), Strategy: "image", Detail: r.Ref.Name}, nil
}

func (p *fakePuller) requests() []build.PullRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]build.PullRequest(nil), p.pulls...)
}

func imageHarness(t *testing.T) (*harness, *fakePuller) {
	h := newHarness(t, store.AppSettings{})
	p := &fakePuller{}
	h.cfg.Puller, h.cfg.Logins = p, h.st
	h.remake(h.rec)
	h.rt.Image(pulledImg, fakeruntime.Behaviour{Logs: []string{"pulled bot started"}})
	return h, p
}

func (h *harness) deployImage(ref string, creds *build.Credentials) (string, error) {
	var out syncBuffer
	err := h.d.DeployImage(context.Background(), h.app(), ref, creds, "alice", &out)
	return out.String(), err
}

func (h *harness) login() (store.RegistryLogin, bool) {
	h.t.Helper()
	l, ok, err := h.st.RegistryLogin(testApp)
	require.NoError(h.t, err)
	return l, ok
}

func TestDeployImageRunsAndKeepsTheLogin(t *testing.T) {
	h, p := imageHarness(t)
	out, err := h.deployImage(imageRef, &build.Credentials{Username: "alice", Password: goodPass})
	require.NoError(t, err, out)
	assert.Contains(t, out, "pulling "+imageRef+" for v1 (login alice @ 127.0.0.1:5000)")
	assert.Contains(t, out, "v1: Pulling from echo")
	assert.NotContains(t, out, goodPass)

	rels := h.releases()
	require.Len(t, rels, 1)
	r := rels[0]
	assert.Equal(t, store.ReleaseDeployed, r.Status)
	assert.Equal(t, "image", r.Strategy)
	assert.Equal(t, imageRef, r.Source)
	assert.Empty(t, r.Commit)
	assert.Equal(t, pulledImg, r.Image)
	assert.Equal(t, "botrunner/echo-bot:v1", r.ImageTag)
	assert.Equal(t, 1, h.app().Current)
	cs := h.containers()
	require.Len(t, cs, 1)
	assert.True(t, cs[0].Running)

	l, ok := h.login()
	require.True(t, ok, "a login that pulled is kept")
	assert.Equal(t, store.RegistryLogin{Registry: "127.0.0.1:5000", Username: "alice", Password: goodPass}, l)
	assert.Equal(t, 1, p.requests()[0].Release, "the pull tags the image for the release it becomes")
}

func TestDeployImageFailedPullChangesNothing(t *testing.T) {
	h, _ := imageHarness(t)
	_, err := h.deployImage(imageRef, &build.Credentials{Username: "alice", Password: goodPass})
	require.NoError(t, err)
	running := h.containers()[0].ID

	for name, tc := range map[string]struct {
		ref   string
		creds *build.Credentials
		code  string
	}{
		"wrong password": {imageRef, &build.Credentials{Username: "alice", Password: "wrong"}, "REGISTRY_AUTH"},
		"not found":      {"127.0.0.1:5000/nope:v1", &build.Credentials{Username: "alice", Password: goodPass}, "IMAGE_NOT_FOUND"},
		"invalid ref":    {"UPPER/Case:x", nil, "INVALID_IMAGE_REF"},
		"our namespace":  {"botrunner/other-bot:v3", nil, "INVALID_IMAGE_REF"},
	} {
		_, err := h.deployImage(tc.ref, tc.creds)
		assert.Equal(t, tc.code, hint.CodeOf(err), "%s: %v", name, err)
	}
	assert.Len(t, h.releases(), 1, "a failed pull records no release")
	assert.Equal(t, 1, h.app().Current)
	l, _ := h.login()
	assert.Equal(t, goodPass, l.Password, "a wrong password never replaces a good one")
	cs := h.containers()
	require.Len(t, cs, 1)
	assert.Equal(t, running, cs[0].ID)
	assert.True(t, cs[0].Running, "the running release keeps running")
	assert.Empty(t, h.b.removedImages(), "no image of a running release removed")
}

func TestDeployImageStoredLoginOnlyForItsRegistry(t *testing.T) {
	h, p := imageHarness(t)
	_, err := h.deployImage(imageRef, &build.Credentials{Username: "alice", Password: goodPass})
	require.NoError(t, err)

	_, err = h.deployImage(imageRef, nil) // same registry: the stored login serves
	require.NoError(t, err)
	_, err = h.deployImage("registry.example.com/echo:v1", nil)
	assert.Equal(t, "IMAGE_NOT_FOUND", hint.CodeOf(err))

	reqs := p.requests()
	require.Len(t, reqs, 3)
	require.NotNil(t, reqs[1].Auth)
	assert.Equal(t, goodPass, reqs[1].Auth.Password)
	assert.Nil(t, reqs[2].Auth, "a login is never sent to another registry")
}

func TestRebuildImageReleasePullsAgain(t *testing.T) {
	h, p := imageHarness(t)
	_, err := h.deployImage(imageRef, &build.Credentials{Username: "alice", Password: goodPass})
	require.NoError(t, err)
	var out syncBuffer
	require.NoError(t, h.d.Rebuild(context.Background(), h.app(), "bob", &out), out.String())

	reqs := p.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, imageRef, reqs[1].Ref.Name)
	require.NotNil(t, reqs[1].Auth, "rebuild uses the stored login")
	assert.Equal(t, "alice", reqs[1].Auth.Username)
	rels := h.releases()
	require.Len(t, rels, 2)
	assert.Equal(t, imageRef, rels[1].Source)
	assert.Equal(t, "rebuild of v1", rels[1].ConfigChange)
	assert.Equal(t, "bob", rels[1].Pusher)
	assert.Zero(t, h.b.buildCount(), "an image release is never built")

	// Rollback to v1 runs its kept image and still names the ref.
	require.NoError(t, h.d.Rollback(context.Background(), h.app(), 1, false, "alice", io.Discard))
	rels = h.releases()
	require.Len(t, rels, 3)
	assert.Equal(t, imageRef, rels[2].Source)
	assert.Equal(t, "botrunner/echo-bot:v1", rels[2].ImageTag)
}

func TestDeployImageShowsPulling(t *testing.T) {
	h, p := imageHarness(t)
	p.gate, p.in = make(chan struct{}), make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		_, err := h.deployImage(imageRef, &build.Credentials{Username: "alice", Password: goodPass})
		done <- err
	}()
	<-p.in
	st, err := h.d.AppStatus(context.Background(), h.app())
	require.NoError(t, err)
	assert.Equal(t, "pulling", st.State)
	close(p.gate)
	require.NoError(t, <-done)
	assert.Equal(t, Phase(""), h.d.PhaseOf(testApp))
}

func TestDeployImageWithoutPuller(t *testing.T) {
	h := newHarness(t, store.AppSettings{})
	_, err := h.deployImage(imageRef, nil)
	assert.ErrorIs(t, err, ErrNoImageMode)
}
