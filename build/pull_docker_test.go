package build

import (
	"bytes"
	"context"
	"log/slog"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/testsupport/testenv"
)

// TestPullFromRegistry pulls from a real registry (distribution, built by
// testenv, on 127.0.0.1 with htpasswd auth) through the real engine: the
// errors a user meets, and a good pull tagged for its release.
func TestPullFromRegistry(t *testing.T) {
	testenv.RequireDocker(t)
	t.Parallel() // as dockerBuilder's tests
	reg := testenv.StartRegistry(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	local := testenv.TinyImage(t)
	pushed, err := reg.Push(ctx, local, "tiny:v1")
	require.NoError(t, err)

	c, err := client.New(client.FromEnv)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	p := NewPuller(c, PullOptions{Timeout: 3 * time.Minute, Log: slog.New(slog.NewTextHandler(t.Output(), nil))})
	app := strings.ReplaceAll(testenv.UniqueName("pt"), "_", "-")
	good := &Credentials{Username: reg.User, Password: reg.Password}
	pull := func(ref string, auth *Credentials) (Result, string, error) {
		r, err := ParseImageRef(ref)
		require.NoError(t, err)
		var out bytes.Buffer
		res, err := p.Pull(ctx, PullRequest{App: app, Release: 1, Ref: r, Auth: auth, Output: &out})
		t.Logf("pull %s:\n%s(err: %v)", ref, out.String(), err)
		return res, out.String(), err
	}

	for _, tc := range []struct {
		name, ref string
		auth      *Credentials
		code      string
	}{
		{"no login", pushed, nil, "REGISTRY_AUTH"},
		{"wrong password", pushed, &Credentials{Username: reg.User, Password: "wrong"}, "REGISTRY_AUTH"},
		{"missing tag", reg.Addr + "/tiny:v9", good, "IMAGE_NOT_FOUND"},
		{"missing repo", reg.Addr + "/nope:v1", good, "IMAGE_NOT_FOUND"},
		{"closed port", "127.0.0.1:1/tiny:v1", nil, "REGISTRY_UNREACHABLE"},
	} {
		_, _, err := pull(tc.ref, tc.auth)
		assert.Equal(t, tc.code, hint.CodeOf(err), "%s: %v", tc.name, err)
		assert.NotContains(t, err.Error(), reg.Password)
		assert.False(t, imageExists(t, Tag(app, 1)), "%s: nothing tagged", tc.name)
	}

	res, out, err := pull(pushed, good)
	require.NoError(t, err)
	t.Cleanup(func() { _ = exec.Command("docker", "image", "rm", Tag(app, 1)).Run() })
	assert.Equal(t, Tag(app, 1), res.Tag)
	assert.Equal(t, "image", res.Strategy)
	assert.Equal(t, "65534:65534", res.User)
	assert.Contains(t, out, "v1: Pulling from tiny") // its one layer is local already: no layer lines
	assert.Contains(t, out, "Status: Downloaded newer image for "+pushed)
	assert.NotContains(t, out, reg.Password)
	assert.True(t, imageExists(t, Tag(app, 1)))
	assert.False(t, imageExists(t, pushed), "the ref's name is dropped; the release tag keeps the image")
}

func imageExists(t *testing.T, ref string) bool {
	return exec.Command("docker", "image", "inspect", ref).Run() == nil
}
