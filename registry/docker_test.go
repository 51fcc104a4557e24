package registry

import (
	"context"
	"io"
	"log/slog"
	"net/http"
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

// TestPushAndDelete copies an image into a real registry (distribution on
// 127.0.0.1 with htpasswd, built by testenv) through the real engine, finds
// it there by the digest Push returned, and deletes it by that digest.
func TestPushAndDelete(t *testing.T) {
	testenv.RequireDocker(t)
	reg := testenv.StartRegistry(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	c, err := client.New(client.FromEnv)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	target, err := Parse(Config{Registry: reg.Addr + "/bots", Username: reg.User, Password: reg.Password})
	require.NoError(t, err)
	p := New(c, target, slog.New(slog.NewTextHandler(t.Output(), nil)))
	app := strings.ReplaceAll(testenv.UniqueName("rp"), "_", "-")
	local := testenv.TinyImage(t)

	ref, err := p.Push(ctx, local, app, 3)
	require.NoError(t, err)
	t.Cleanup(func() { _ = exec.Command("docker", "image", "rm", ref).Run() })
	repo, digest, ok := strings.Cut(ref, "@")
	require.True(t, ok, ref)
	assert.Equal(t, reg.Addr+"/bots/"+app, repo)
	assert.Equal(t, digest, manifestDigest(t, reg, "bots/"+app, "v3"), "the registry serves what Push named")
	assert.False(t, imageExists(repo+":v3"), "the push tag is dropped from gitd's engine")
	assert.False(t, imageExists(ref), "and so is the name by digest")

	// A gitd that restarted finds the copy by its release's tag.
	found, err := New(c, target, nil).Pushed(ctx, app, 3)
	require.NoError(t, err)
	assert.Equal(t, ref, found)
	found, err = p.Pushed(ctx, app, 9)
	require.NoError(t, err)
	assert.Empty(t, found, "no release 9 there")

	require.NoError(t, p.Delete(ctx, ref))
	assert.Equal(t, "", manifestDigest(t, reg, "bots/"+app, digest), "deleted by digest")
	require.NoError(t, p.Delete(ctx, ref), "a second delete finds it gone: no error")
	found, err = p.Pushed(ctx, app, 3)
	require.NoError(t, err)
	assert.Empty(t, found, "the tag went with the manifest")

	err = p.Delete(ctx, "elsewhere.example.com/x@"+digest)
	assert.Equal(t, "REGISTRY_DELETE", hint.CodeOf(err))

	bad := New(c, Target{Host: reg.Addr, Insecure: true, Username: reg.User, Password: "wrong"}, nil)
	_, err = bad.Push(ctx, local, app, 4)
	assert.Equal(t, "REGISTRY_PUSH", hint.CodeOf(err), "%v", err)
	assert.NotContains(t, err.Error(), reg.Password)
}

// manifestDigest is the digest the registry serves for repo:ref, "" if none.
func manifestDigest(t *testing.T, reg *testenv.Registry, repo, ref string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodHead, "http://"+reg.Addr+"/v2/"+repo+"/manifests/"+ref, nil)
	require.NoError(t, err)
	req.SetBasicAuth(reg.User, reg.Password)
	req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return ""
	}
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return resp.Header.Get("Docker-Content-Digest")
}

func imageExists(ref string) bool {
	return exec.Command("docker", "image", "inspect", ref).Run() == nil
}
