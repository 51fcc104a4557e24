package testenv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	pubbldr "github.com/buildpacks/pack/builder"
	"github.com/buildpacks/pack/pkg/client"
	"github.com/buildpacks/pack/pkg/dist"
	"github.com/buildpacks/pack/pkg/image"
	"github.com/buildpacks/pack/pkg/logging"
)

const (
	// CNBStackTag is the test builder's build and run image: the local
	// Python base with the CNB user (CNBUserID:CNBGroupID) the lifecycle
	// runs buildpacks as and the run image declares as its USER.
	CNBStackTag = "botrunner-test/cnb-stack:1"
	// CNBBuilderTag is the test builder: CNBStackTag, the lifecycle and
	// the test buildpack (CNBBuildpackID), made with pack's CreateBuilder.
	CNBBuilderTag = "botrunner-test/cnb-builder:1"

	CNBUserID  = 1000
	CNBGroupID = 1000
)

// cnbStackRecipe makes the stack image from the Python base. The ENV
// lines are what pack and the lifecycle read (CNB_USER_ID, CNB_GROUP_ID).
const cnbStackRecipe = `RUN groupadd --gid 1000 cnb && useradd --uid 1000 --gid 1000 --create-home --shell /bin/sh cnb
ENV CNB_USER_ID=1000 CNB_GROUP_ID=1000
LABEL io.buildpacks.base.distro.name=debian io.buildpacks.base.distro.version=12
USER 1000:1000
`

// CNBBuilder returns the test CNB builder and its lifecycle image, making
// them (and the Python base) the first time on this machine: lifecycle
// v0.21.0 compiled from its Go module, a small shell buildpack for Python
// apps with a Procfile, and build and run images made from the local
// Python base image. Nothing is pulled. A build with it passes the
// lifecycle image as pack's LifecycleImage and pull policy never.
func CNBBuilder(ctx context.Context) (builder, lifecycleImage string, err error) {
	lifecycleImage, err = CNBLifecycleImage(ctx)
	if err != nil {
		return "", "", err
	}
	stack, err := cnbStackImage(ctx)
	if err != nil {
		return "", "", err
	}
	ids := make([]string, 0, 2)
	for _, tag := range []string{lifecycleImage, stack} {
		id, _, _, err := imageStamp(ctx, tag)
		if err != nil {
			return "", "", err
		}
		ids = append(ids, id)
	}
	h := sha256.New()
	fmt.Fprintf(h, "builder r1\n%s\n", strings.Join(ids, "\n"))
	names := make([]string, 0, len(cnbBuildpackFiles))
	for name := range cnbBuildpackFiles {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(h, "%s %d\n%s", name, len(cnbBuildpackFiles[name]), cnbBuildpackFiles[name])
	}
	builder, err = ensure(ctx, recipe{
		tag:   CNBBuilderTag,
		stamp: fmt.Sprintf("builder-%x", h.Sum(nil)[:8]),
		build: func(ctx context.Context, stamp string) error { return createCNBBuilder(ctx, stack, stamp) },
	})
	return builder, lifecycleImage, err
}

// cnbStackImage returns CNBStackTag, built from the Python base image.
func cnbStackImage(ctx context.Context) (string, error) {
	base, err := PythonImage(ctx)
	if err != nil {
		return "", err
	}
	baseID, _, _, err := imageStamp(ctx, base)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(baseID + "\n" + cnbStackRecipe))
	return ensure(ctx, recipe{
		tag:   CNBStackTag,
		stamp: fmt.Sprintf("stack-%x", sum[:6]),
		build: func(ctx context.Context, stamp string) error {
			dockerfile := "FROM " + base + "\n" + cnbStackRecipe + "LABEL " + stampLabel + "=" + stamp + "\n"
			_, err := dockerClassic(ctx, strings.NewReader(dockerfile), "build", "-q", "-t", CNBStackTag, "-")
			return err
		},
	})
}

// dockerClassic runs the docker CLI with the classic builder
// (DOCKER_BUILDKIT=0): a one-line recipe on a local-only base needs
// nothing more, and this way a new CLI on an old engine behaves the same.
func dockerClassic(ctx context.Context, stdin io.Reader, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("docker %s: %w: %s", firstArgs(args), err, tail(stderr.String(), 2000))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// createCNBBuilder writes the buildpack and a builder config into a
// temporary directory and has pack make the builder from them, with the
// lifecycle compiled for this machine and pull policy never.
func createCNBBuilder(ctx context.Context, stack, stamp string) error {
	unlock, err := lockFile(ctx, "botrunner-testenv-cnb-lifecycle-compile")
	if err != nil {
		return err
	}
	defer unlock()
	lifecycle, err := lifecycleDist(ctx)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "botrunner-cnb-builder-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bp := filepath.Join(dir, "buildpack")
	if err := writeCNBBuildpack(bp); err != nil {
		return err
	}
	var log bytes.Buffer
	pack, err := client.NewClient(client.WithLogger(logging.NewSimpleLogger(&log)),
		client.WithCacheDir(filepath.Join(dir, "cache")))
	if err != nil {
		return err
	}
	err = pack.CreateBuilder(ctx, client.CreateBuilderOptions{
		BuilderName:   CNBBuilderTag,
		Labels:        map[string]string{stampLabel: stamp},
		PullPolicy:    image.PullNever,
		Config:        cnbBuilderConfig(bp, stack, lifecycle),
		TempDirectory: dir,
	})
	if err != nil {
		return fmt.Errorf("pack create builder: %w\n%s", err, tail(log.String(), 2000))
	}
	Logger.Info("created CNB builder", "builder", CNBBuilderTag)
	return nil
}

// cnbBuilderConfig is builder.toml: the one buildpack (a directory), the
// stack image to build and run on, and the lifecycle directory.
func cnbBuilderConfig(buildpack, stack, lifecycle string) pubbldr.Config {
	info := dist.ModuleInfo{ID: CNBBuildpackID, Version: cnbBuildpackVersion}
	return pubbldr.Config{
		Description: "botrunner test builder (offline)",
		Buildpacks: pubbldr.ModuleCollection{{ModuleInfo: info,
			ImageOrURI: dist.ImageOrURI{BuildpackURI: dist.BuildpackURI{URI: buildpack}}}},
		Order:     dist.Order{{Group: []dist.ModuleRef{{ModuleInfo: info}}}},
		Build:     pubbldr.BuildConfig{Image: stack},
		Run:       pubbldr.RunConfig{Images: []pubbldr.RunImageConfig{{Image: stack}}},
		Lifecycle: pubbldr.LifecycleConfig{URI: lifecycle},
	}
}
