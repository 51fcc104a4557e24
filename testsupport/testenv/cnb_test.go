package testenv

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCNBBuilder makes (or finds) the offline test builder and checks what
// pack and the lifecycle read from it and from the lifecycle image.
func TestCNBBuilder(t *testing.T) {
	RequireDocker(t)
	builder, lifecycle, err := CNBBuilder(t.Context())
	require.NoError(t, err)
	assert.Equal(t, CNBBuilderTag, builder)
	assert.Equal(t, CNBLifecycleTag, lifecycle)

	var meta struct {
		Lifecycle  struct{ Version string }
		Buildpacks []struct{ ID, Version string }
	}
	out, err := docker(t.Context(), nil, "image", "inspect", "--format",
		`{{index .Config.Labels "io.buildpacks.builder.metadata"}}`, builder)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(out), &meta), out)
	assert.Equal(t, LifecycleVersion, meta.Lifecycle.Version)
	require.Len(t, meta.Buildpacks, 1)
	assert.Equal(t, CNBBuildpackID, meta.Buildpacks[0].ID)

	env, err := docker(t.Context(), nil, "image", "inspect", "--format", `{{json .Config.Env}} {{.Config.User}}`, builder)
	require.NoError(t, err)
	assert.Contains(t, env, "CNB_USER_ID=1000")
	assert.True(t, strings.HasSuffix(env, " 1000:1000"), env)

	// The lifecycle image runs its phases with nothing but what it carries.
	apis, err := docker(t.Context(), nil, "image", "inspect", "--format",
		`{{index .Config.Labels "io.buildpacks.lifecycle.apis"}}`, lifecycle)
	require.NoError(t, err)
	assert.Contains(t, apis, `"0.15"`)
	version, err := docker(t.Context(), nil, "run", "--rm", "--network", "none", lifecycle,
		"/cnb/lifecycle/lifecycle", "-version")
	require.NoError(t, err)
	assert.Contains(t, version, LifecycleVersion)
}

func TestLifecycleDescriptor(t *testing.T) {
	d := lifecycleDescriptor()
	for _, want := range []string{`supported = ["0.7", "0.8", "0.9", "0.10", "0.11", "0.12", "0.13", "0.14", "0.15"]`,
		`version = "0.21.0"`, "[apis.buildpack]", "[apis.platform]"} {
		assert.Contains(t, d, want)
	}
}

// The lifecycle image's root: the phases by their names, a passwd naming
// root, /tmp, and the SBOMs the exporter looks for.
func TestLifecycleTar(t *testing.T) {
	dist := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dist, "lifecycle"), 0o755))
	for name, body := range map[string]string{"lifecycle.toml": lifecycleDescriptor(),
		"lifecycle/lifecycle": "ELF lifecycle", "lifecycle/launcher": "ELF launcher"} {
		require.NoError(t, os.WriteFile(filepath.Join(dist, name), []byte(body), 0o755))
	}
	b, err := lifecycleTar(dist)
	require.NoError(t, err)
	got := map[string]*tar.Header{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		got[hdr.Name] = hdr
	}
	for _, p := range []string{"analyzer", "restorer", "exporter", "detector", "builder"} {
		require.Contains(t, got, "cnb/lifecycle/"+p)
		assert.Equal(t, "lifecycle", got["cnb/lifecycle/"+p].Linkname)
	}
	assert.Equal(t, int64(0o755), got["cnb/lifecycle/launcher"].Mode)
	assert.Equal(t, int64(0o1777), got["tmp/"].Mode)
	assert.Contains(t, got, "etc/passwd")
	assert.Contains(t, got, "cnb/lifecycle.toml")
	assert.Contains(t, got, "cnb/lifecycle/launcher.sbom.cdx.json")
}
