package build

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"strings"
	"sync"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

// pullResponse is a client.ImagePullResponse over a canned stream.
type pullResponse struct{ io.ReadCloser }

func (pullResponse) JSONMessages(context.Context) iter.Seq2[jsonstream.Message, error] { return nil }
func (pullResponse) Wait(context.Context) error                                        { return nil }

// fakePullEngine has images by ref; a pull answers with stream or err.
type fakePullEngine struct {
	mu      sync.Mutex
	images  map[string]string // ref or tag -> image ID
	user    string
	stream  string
	err     error
	pulls   []client.ImagePullOptions
	tags    []client.ImageTagOptions
	removed []string
}

func (e *fakePullEngine) ImagePull(_ context.Context, ref string, o client.ImagePullOptions) (client.ImagePullResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pulls = append(e.pulls, o)
	if e.err != nil {
		return nil, e.err
	}
	if !strings.Contains(e.stream, `"error"`) {
		e.images[ref] = "sha256:pulled"
	}
	return pullResponse{io.NopCloser(strings.NewReader(e.stream))}, nil
}

func (e *fakePullEngine) ImageTag(_ context.Context, o client.ImageTagOptions) (client.ImageTagResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tags = append(e.tags, o)
	e.images[o.Target] = o.Source
	return client.ImageTagResult{}, nil
}

func (e *fakePullEngine) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id, ok := e.images[ref]
	if !ok {
		return client.ImageInspectResult{}, cerrdefs.ErrNotFound
	}
	cfg := &dockerspec.DockerOCIImageConfig{}
	cfg.User = e.user
	return client.ImageInspectResult{InspectResponse: image.InspectResponse{ID: id, Config: cfg}}, nil
}

func (e *fakePullEngine) ImageRemove(_ context.Context, ref string, _ client.ImageRemoveOptions) (client.ImageRemoveResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.removed = append(e.removed, ref)
	delete(e.images, ref)
	return client.ImageRemoveResult{}, nil
}

const goodPull = `{"status":"Pulling from echo","id":"v1"}
{"status":"Pulling fs layer","progressDetail":{},"id":"a1b2"}
{"status":"Downloading","progressDetail":{"current":10,"total":100},"id":"a1b2"}
{"status":"Downloading","progressDetail":{"current":50,"total":100},"id":"a1b2"}
{"status":"Download complete","progressDetail":{},"id":"a1b2"}
{"status":"Extracting","progressDetail":{"current":1,"total":2},"id":"a1b2"}
{"status":"Extracting","progressDetail":{"current":2,"total":2},"id":"a1b2"}
{"status":"Pull complete","progressDetail":{},"id":"a1b2"}
{"status":"Digest: sha256:5a79"}
{"status":"Status: Downloaded newer image for 127.0.0.1:5000/echo:v1"}
`

func pullReq(t *testing.T, ref string, auth *Credentials) PullRequest {
	r, err := ParseImageRef(ref)
	require.NoError(t, err)
	return PullRequest{App: "echo-bot", Release: 3, Ref: r, Auth: auth}
}

func TestPullTagsAndRendersProgress(t *testing.T) {
	e := &fakePullEngine{images: map[string]string{}, stream: goodPull, user: "1000"}
	p := NewPuller(e, PullOptions{})
	var out bytes.Buffer
	req := pullReq(t, "127.0.0.1:5000/echo:v1", &Credentials{Username: "alice", Password: "pw"})
	req.Output = &out
	res, err := p.Pull(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, Result{Image: "sha256:pulled", Tag: "botrunner/echo-bot:v3", Strategy: "image",
		Detail: "127.0.0.1:5000/echo:v1", User: "1000"}, res)
	assert.Equal(t, "v1: Pulling from echo\na1b2: Pulling fs layer\na1b2: Downloading\na1b2: Download complete\n"+
		"a1b2: Extracting\na1b2: Pull complete\nDigest: sha256:5a79\n"+
		"Status: Downloaded newer image for 127.0.0.1:5000/echo:v1\n", out.String())
	assert.Equal(t, []client.ImageTagOptions{{Source: "sha256:pulled", Target: "botrunner/echo-bot:v3"}}, e.tags)
	assert.Equal(t, []string{"127.0.0.1:5000/echo:v1"}, e.removed, "the ref's name goes; the release tag keeps the image")

	require.Len(t, e.pulls, 1)
	data, err := base64.URLEncoding.DecodeString(e.pulls[0].RegistryAuth)
	require.NoError(t, err)
	var ac registry.AuthConfig
	require.NoError(t, json.Unmarshal(data, &ac))
	assert.Equal(t, registry.AuthConfig{Username: "alice", Password: "pw", ServerAddress: "127.0.0.1:5000"}, ac)
}

func TestPullAlwaysAsksTheRegistry(t *testing.T) {
	// The engine already has the ref (an operator pulled it): it is pulled
	// anyway, anonymously, and its name stays.
	e := &fakePullEngine{images: map[string]string{"127.0.0.1:5000/echo:v1": "sha256:old"},
		stream: `{"error":"unauthorized: authentication required","errorDetail":{"message":"unauthorized: authentication required"}}`}
	_, err := NewPuller(e, PullOptions{}).Pull(context.Background(), pullReq(t, "127.0.0.1:5000/echo:v1", nil))
	require.Error(t, err)
	assert.Equal(t, "REGISTRY_AUTH", hint.CodeOf(err))
	assert.Contains(t, err.Error(), "wants a login")
	require.Len(t, e.pulls, 1)
	assert.Empty(t, e.pulls[0].RegistryAuth)
	assert.Empty(t, e.tags, "a failed pull tags nothing")
	assert.Empty(t, e.removed)
}

func TestPullErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error  // from ImagePull
		msg  string // in the stream
		code string
		want string
	}{
		{"wrong password", errors.New("Error response from daemon: unauthorized: authentication required"), "",
			"REGISTRY_AUTH", `refused the login of "alice"`},
		{"denied in stream", nil, "denied: requested access to the resource is denied", "REGISTRY_AUTH", "refused"},
		{"not found", cerrdefs.ErrNotFound.WithMessage("manifest for 127.0.0.1:5000/echo:v1 not found: manifest unknown"), "",
			"IMAGE_NOT_FOUND", "manifest unknown"},
		{"unreachable", errors.New(`Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused`), "",
			"REGISTRY_UNREACHABLE", "cannot reach the registry 127.0.0.1:5000"},
		{"other", nil, "failed to register layer: \x1b[31mdisk full", "PULL_FAILED", "disk full"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &fakePullEngine{images: map[string]string{}, err: tc.err}
			if tc.msg != "" {
				m, _ := json.Marshal(map[string]any{"error": tc.msg, "errorDetail": map[string]string{"message": tc.msg}})
				e.stream = `{"status":"Pulling from echo","id":"v1"}` + "\n" + string(m) + "\n"
			}
			_, err := NewPuller(e, PullOptions{}).Pull(context.Background(),
				pullReq(t, "127.0.0.1:5000/echo:v1", &Credentials{Username: "alice", Password: "pw"}))
			require.Error(t, err)
			assert.Equal(t, tc.code, hint.CodeOf(err), "%v", err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\x1b")
			assert.NotContains(t, err.Error(), "pw\"")
			assert.Empty(t, e.tags)
		})
	}
}

func TestPullCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := &fakePullEngine{images: map[string]string{}, err: context.Canceled}
	_, err := NewPuller(e, PullOptions{}).Pull(ctx, pullReq(t, "127.0.0.1:5000/echo:v1", nil))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestParseImageRef(t *testing.T) {
	for _, tc := range []struct {
		in, name, registry string
	}{
		{"127.0.0.1:5000/echo:v1", "127.0.0.1:5000/echo:v1", "127.0.0.1:5000"},
		{"127.0.0.1:5000/team/echo", "127.0.0.1:5000/team/echo:latest", "127.0.0.1:5000"},
		{"python:3.11", "docker.io/library/python:3.11", "docker.io"},
		{"ghcr.io/me/bot@sha256:" + strings.Repeat("a", 64), "ghcr.io/me/bot@sha256:" + strings.Repeat("a", 64), "ghcr.io"},
		{"127.0.0.1:5000/botrunner/echo:v1", "127.0.0.1:5000/botrunner/echo:v1", "127.0.0.1:5000"},
	} {
		r, err := ParseImageRef(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, ImageRef{Name: tc.name, Registry: tc.registry}, r, tc.in)
	}
	for _, bad := range []string{
		"", "UPPER/Case", "has space:1", "echo:", strings.Repeat("a", 64),
		"botrunner/other-bot:v3", "docker.io/botrunner/other-bot:v3", "-x", "a\nb", strings.Repeat("a/", 300),
	} {
		_, err := ParseImageRef(bad)
		assert.Equal(t, "INVALID_IMAGE_REF", hint.CodeOf(err), "%q", bad)
	}
}

func TestPullAllowRegistries(t *testing.T) {
	opts := PullOptions{AllowRegistries: []string{"127.0.0.1:5000", "docker.io"}}
	for ref, allowed := range map[string]bool{
		"127.0.0.1:5000/echo:v1":      true,
		"echo:v1":                     true, // Docker Hub
		"127.0.0.1:5001/echo:v1":      false,
		"ghcr.io/me/echo:v1":          false,
		"registry.127.0.0.1:5000/x:1": false,
	} {
		e := &fakePullEngine{images: map[string]string{}, stream: goodPull}
		_, err := NewPuller(e, opts).Pull(context.Background(), pullReq(t, ref, nil))
		if allowed {
			assert.NoError(t, err, ref)
			continue
		}
		assert.Equal(t, "REGISTRY_NOT_ALLOWED", hint.CodeOf(err), ref)
		assert.Empty(t, e.pulls, "%s: nothing is pulled", ref)
	}
}
