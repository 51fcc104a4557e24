package build

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func TestReadProject(t *testing.T) {
	for _, tc := range []struct {
		name, toml string
		wantErr    string // substring; "" = no error
		wantOut    string
		check      func(t *testing.T, env map[string]string, include, exclude []string)
	}{
		{name: "env, include and exclude apply", toml: `[_]
schema-version = "0.2"
[io.buildpacks]
exclude = ["tests/"]
[[io.buildpacks.build.env]]
name = "BP_GREETING"
value = "hello"
`, check: func(t *testing.T, env map[string]string, _, exclude []string) {
			assert.Equal(t, map[string]string{"BP_GREETING": "hello"}, env)
			assert.Equal(t, []string{"tests/"}, exclude)
		}},
		{name: "builder key ignored and said", toml: `[_]
schema-version = "0.2"
[io.buildpacks]
builder = "evil.example/builder:1"
`, wantOut: "project.toml asks for builder evil.example/builder:1; this server builds with its own (ignored)"},
		{name: "buildpacks from elsewhere refused", toml: `[_]
schema-version = "0.2"
[[io.buildpacks.group]]
uri = "https://evil.example/bp.tgz"
`, wantErr: "project.toml names 1 buildpack(s)"},
		{name: "not toml", toml: "[[[", wantErr: "invalid project.toml"},
		{name: "unknown schema", toml: "[_]\nschema-version = \"9.9\"\n", wantErr: "unknown project descriptor schema version 9.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, projectFile), []byte(tc.toml), 0o644))
			tr, err := openTree(dir)
			require.NoError(t, err)
			defer tr.Close()
			var out bytes.Buffer
			d, err := readProject(tr, dir, &out)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, "INVALID_PROJECT_TOML", hint.CodeOf(err))
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.NotEmpty(t, hint.TipOf(err))
				return
			}
			require.NoError(t, err)
			assert.Contains(t, out.String(), tc.wantOut)
			assert.Empty(t, d.Build.Builder)
			if tc.check != nil {
				env := map[string]string{}
				for _, e := range d.Build.Env {
					env[e.Name] = e.Value
				}
				tc.check(t, env, d.Build.Include, d.Build.Exclude)
			}
		})
	}
}

func TestReadProjectRefusesOddFiles(t *testing.T) {
	dir := t.TempDir()
	tr, err := openTree(dir)
	require.NoError(t, err)
	d, err := readProject(tr, dir, &bytes.Buffer{})
	require.NoError(t, err, "no project.toml is fine")
	assert.Empty(t, d.Build.Env)
	tr.Close()

	require.NoError(t, os.WriteFile(filepath.Join(dir, projectFile), bytes.Repeat([]byte("#"), maxProjectFile+1), 0o644))
	tr, err = openTree(dir)
	require.NoError(t, err)
	defer tr.Close()
	_, err = readProject(tr, dir, &bytes.Buffer{})
	assert.ErrorContains(t, err, "larger than 64 KiB")
}
