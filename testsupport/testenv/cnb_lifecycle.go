package testenv

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// LifecycleVersion is the CNB lifecycle the test builder carries; pack
// v0.40.3 was tested with it (its DefaultLifecycleVersion).
const LifecycleVersion = "0.21.0"

// The APIs lifecycle v0.21.0 supports (its api/apis.go); they go into
// lifecycle.toml and the lifecycle image's labels, as its release tooling
// writes them.
var (
	lifecyclePlatformAPIs  = []string{"0.7", "0.8", "0.9", "0.10", "0.11", "0.12", "0.13", "0.14", "0.15"}
	lifecycleBuildpackAPIs = []string{"0.7", "0.8", "0.9", "0.10", "0.11", "0.12"}
	// lifecyclePhases are the names the lifecycle binary answers to.
	lifecyclePhases = []string{"detector", "analyzer", "restorer", "builder", "exporter", "rebaser", "creator", "extender"}
)

// lifecycleMobyClient is the Docker client the lifecycle is linked with
// instead of its own v0.2.1, which negotiates no API version below 1.44:
// its analyzer, restorer and exporter could not talk to a 20.10 engine
// (API 1.41). v0.4.1 (the project's) goes down to 1.40.
const lifecycleMobyClient = "github.com/moby/moby/client@v0.4.1"

// lifecycleDist is the lifecycle as pack's builder config takes it (a
// directory for `[lifecycle] uri`): lifecycle.toml and lifecycle/ with the
// binaries and the phase symlinks. It is compiled once per machine into
// a directory under /var/tmp, in a scratch Go module so that the
// project's go.mod is never touched; the Go module proxy serves the
// sources. Callers hold the lifecycle lock.
func lifecycleDist(ctx context.Context) (string, error) {
	arch, err := dockerArch(ctx)
	if err != nil {
		return "", err
	}
	root := filepath.Join(scratchDir(), "botrunner-cnb-lifecycle-"+LifecycleVersion+"-"+
		sanitize(strings.TrimPrefix(lifecycleMobyClient, "github.com/moby/moby/"))+"-"+arch)
	dist := filepath.Join(root, "dist")
	if _, err := os.Stat(filepath.Join(dist, "lifecycle", "launcher")); err == nil {
		return dist, nil
	}
	if err := compileLifecycle(ctx, root, arch); err != nil {
		return "", err
	}
	return dist, nil
}

// compileLifecycle builds cmd/lifecycle and cmd/launcher statically into
// root/dist (through a temporary directory, renamed when complete).
func compileLifecycle(ctx context.Context, root, arch string) error {
	mod := filepath.Join(root, "mod")
	if err := writeScratchModule(mod); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(root, "dist-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "lifecycle")
	began := time.Now()
	Logger.Info("compiling the CNB lifecycle (once per machine)", "version", LifecycleVersion, "dir", root)
	if err := goBuildLifecycle(ctx, mod, arch, bin); err != nil {
		return err
	}
	for _, p := range lifecyclePhases {
		if err := os.Symlink("lifecycle", filepath.Join(bin, p)); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "lifecycle.toml"), []byte(lifecycleDescriptor()), 0o644); err != nil {
		return err
	}
	dist := filepath.Join(root, "dist")
	_ = os.RemoveAll(dist)
	if err := os.Rename(tmp, dist); err != nil {
		return err
	}
	Logger.Info("compiled the CNB lifecycle", "took", time.Since(began).Round(time.Second))
	return nil
}

// writeScratchModule is the module the lifecycle is built in: it only
// imports the two commands.
func writeScratchModule(mod string) error {
	if err := os.MkdirAll(mod, 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"go.mod": "module botrunner.test/cnblifecycle\n\ngo 1.24\n",
		"tools.go": "//go:build tools\n\npackage tools\n\nimport (\n" +
			"\t_ \"github.com/buildpacks/lifecycle/cmd/launcher\"\n" +
			"\t_ \"github.com/buildpacks/lifecycle/cmd/lifecycle\"\n)\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goBuildLifecycle resolves the lifecycle (with lifecycleMobyClient) and
// builds both commands into bin.
func goBuildLifecycle(ctx context.Context, mod, arch, bin string) error {
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	ldflags := "-s -w -X github.com/buildpacks/lifecycle/cmd.Version=" + LifecycleVersion
	for _, args := range [][]string{
		{"get", "github.com/buildpacks/lifecycle@v" + LifecycleVersion, lifecycleMobyClient},
		{"build", "-trimpath", "-ldflags", ldflags, "-o", bin + "/",
			"github.com/buildpacks/lifecycle/cmd/lifecycle", "github.com/buildpacks/lifecycle/cmd/launcher"},
	} {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir, cmd.Env = mod, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %w: %s", args[0], err, tail(string(out), 2000))
		}
	}
	return nil
}

// lifecycleDescriptor is lifecycle.toml as the lifecycle's packager fills
// it in.
func lifecycleDescriptor() string {
	return fmt.Sprintf(`[apis]
[apis.buildpack]
  deprecated = []
  supported = %s
[apis.platform]
  deprecated = []
  supported = %s

[api]
  platform = "0.7"
  buildpack = "0.7"

[lifecycle]
  version = %q
`, tomlList(lifecycleBuildpackAPIs), tomlList(lifecyclePlatformAPIs), LifecycleVersion)
}

func tomlList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// CNBLifecycleTag is the lifecycle image: pack runs the phases that talk
// to the engine (analyzer, restorer, exporter) from it, so the builder's
// own image, which runs the buildpacks, never gets the Docker socket.
const CNBLifecycleTag = "botrunner-test/cnb-lifecycle:" + LifecycleVersion

// CNBLifecycleImage returns CNBLifecycleTag, made the first time from the
// compiled lifecycle: /cnb/lifecycle/*, /tmp and a passwd file naming root
// on an empty root, with the
// labels pack reads (io.buildpacks.lifecycle.apis and .version), like the
// official buildpacksio/lifecycle image.
func CNBLifecycleImage(ctx context.Context) (string, error) {
	arch, err := dockerArch(ctx)
	if err != nil {
		return "", err
	}
	return ensure(ctx, recipe{
		tag:   CNBLifecycleTag,
		stamp: "lifecycle-" + LifecycleVersion + "-r4-" + lifecycleMobyClient + "-" + arch,
		build: buildLifecycleImage,
	})
}

func buildLifecycleImage(ctx context.Context, stamp string) error {
	unlock, err := lockFile(ctx, "botrunner-testenv-cnb-lifecycle-compile")
	if err != nil {
		return err
	}
	defer unlock()
	dist, err := lifecycleDist(ctx)
	if err != nil {
		return err
	}
	rootfs, err := lifecycleTar(dist)
	if err != nil {
		return err
	}
	apis, err := json.Marshal(map[string]any{
		"buildpack": map[string][]string{"deprecated": {}, "supported": lifecycleBuildpackAPIs},
		"platform":  map[string][]string{"deprecated": {}, "supported": lifecyclePlatformAPIs},
	})
	if err != nil {
		return err
	}
	args := []string{"import",
		"--change", "LABEL " + stampLabel + "=" + stamp,
		"--change", "LABEL io.buildpacks.lifecycle.version=" + LifecycleVersion,
		"--change", "LABEL io.buildpacks.lifecycle.apis=" + strconv.Quote(string(apis)),
		"--change", "WORKDIR /layers",
		"-", CNBLifecycleTag}
	_, err = docker(ctx, bytes.NewReader(rootfs), args...)
	return err
}

// lifecycleTar is the lifecycle image's root filesystem.
func lifecycleTar(dist string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Unix(0, 0)
	for _, d := range []struct {
		name string
		mode int64
	}{{"cnb/", 0o755}, {"cnb/lifecycle/", 0o755}, {"etc/", 0o755}, {"tmp/", 0o1777}} {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d.name, Mode: d.mode, ModTime: mtime}); err != nil {
			return nil, err
		}
	}
	small := lifecycleSmallFiles()
	names := make([]string, 0, len(small))
	for name := range small {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := addBytes(tw, name, []byte(small[name]), 0o644); err != nil {
			return nil, err
		}
	}
	if err := addFile(tw, filepath.Join(dist, "lifecycle.toml"), "cnb/lifecycle.toml", 0o644); err != nil {
		return nil, err
	}
	for _, b := range []string{"lifecycle", "launcher"} {
		if err := addFile(tw, filepath.Join(dist, "lifecycle", b), "cnb/lifecycle/"+b, 0o755); err != nil {
			return nil, err
		}
	}
	for _, p := range lifecyclePhases {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "cnb/lifecycle/" + p,
			Linkname: "lifecycle", Mode: 0o777, ModTime: mtime}); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// lifecycleSmallFiles are the lifecycle image's text files: a passwd file
// (pack runs the phases that reach the engine as user "root", by name),
// and empty SBOMs of the binaries (the exporter copies them into every
// image and warns about each one missing; a release's carry real ones).
func lifecycleSmallFiles() map[string]string {
	files := map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/sbin/nologin\n",
		"etc/group":  "root:x:0:\n",
	}
	for _, bin := range []string{"lifecycle", "launcher"} {
		for _, format := range []string{"cdx", "spdx", "syft"} {
			files["cnb/lifecycle/"+bin+".sbom."+format+".json"] = "{}\n"
		}
	}
	return files
}

func addFile(tw *tar.Writer, path, name string, mode int64) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return addBytes(tw, name, b, mode)
}

func addBytes(tw *tar.Writer, name string, b []byte, mode int64) error {
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(b)), ModTime: time.Unix(0, 0)}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}
