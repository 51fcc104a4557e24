package testenv

import (
	"os"
	"path/filepath"
)

// The test buildpack: a Python app with a Procfile. It is shell, run by the
// builder image (the local Python base), with buildpack API 0.10.
const (
	CNBBuildpackID      = "botrunner-test/procfile-python"
	cnbBuildpackVersion = "1.0.0"
)

// cnbBuildpackFiles are the buildpack's files, relative to its directory.
var cnbBuildpackFiles = map[string]string{
	"buildpack.toml": `api = "0.10"

[buildpack]
  id = "` + CNBBuildpackID + `"
  version = "` + cnbBuildpackVersion + `"
  name = "botrunner test: Python with a Procfile"

[[targets]]
  os = "linux"
`,
	// detect: a Procfile is what this buildpack needs; requirements.txt
	// is optional.
	"bin/detect": `#!/bin/sh
set -eu
if [ ! -f Procfile ]; then
  echo "no Procfile: not a botrunner test app"
  exit 100
fi
echo "Procfile found"
`,
	// build: requirements.txt into a launch layer (pip honours
	// PIP_INDEX_URL and PIP_TRUSTED_HOST from the platform's env), and
	// every Procfile line as a process type run through sh. An app file
	// .botrunner-test-sleep makes it sleep that many seconds first, so
	// tests can cancel a build while the builder container runs. BP_ECHO
	// (e.g. from project.toml's build env) is echoed.
	"bin/build": `#!/bin/sh
set -eu
layers="$CNB_LAYERS_DIR"
echo "---> botrunner test buildpack"
if [ -n "${BP_ECHO:-}" ]; then
  echo "BP_ECHO=$BP_ECHO"
fi
if [ -f .botrunner-test-sleep ]; then
  echo "sleeping as asked"
  sleep "$(cat .botrunner-test-sleep)"
fi
if [ -f requirements.txt ]; then
  deps="$layers/deps"
  mkdir -p "$deps/env.launch"
  echo "installing requirements.txt"
  pip install --no-cache-dir --disable-pip-version-check --target "$deps/packages" -r requirements.txt
  printf '%s' "$deps/packages" > "$deps/env.launch/PYTHONPATH.prepend"
  printf ':' > "$deps/env.launch/PYTHONPATH.delim"
  printf '[types]\nlaunch = true\nbuild = false\ncache = false\n' > "$layers/deps.toml"
fi
: > "$layers/launch.toml"
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in ''|'#'*) continue ;; esac
  name=$(printf '%s' "${line%%:*}" | tr -d ' ')
  cmd=$(printf '%s' "${line#*:}" | sed -e 's/^ *//' -e 's/\\/\\\\/g' -e 's/"/\\"/g')
  echo "process $name:$(printf '%s' "${line#*:}" | sed 's/^ */ /')"
  printf '[[processes]]\ntype = "%s"\ncommand = ["/bin/sh", "-c", "exec %s"]\n\n' "$name" "$cmd" >> "$layers/launch.toml"
done < Procfile
`,
}

// writeCNBBuildpack writes the buildpack into dir.
func writeCNBBuildpack(dir string) error {
	for name, body := range cnbBuildpackFiles {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if filepath.Dir(name) == "bin" {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			return err
		}
		if err := os.Chmod(p, mode); err != nil {
			return err
		}
	}
	return nil
}
