package main

// The raw docker side of the deploy benchmark: the `docker build`, `docker
// stop` and `docker run` a person would type to do by hand what a gitd push
// does. Nothing here is replicated from gitd: the build context (with the
// synthesized Dockerfile), the build options and the container's create
// request are taken from gitd's own code (build.Builder and the
// runtime/docker Driver), run against fakes that only record what they are
// asked, and translated flag by flag into docker CLI arguments. A request
// field that has no translation here is an error, so a hardening item added
// to runtime/docker later cannot silently go missing from the raw side.

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	buildtypes "github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/docker"
)

// captureEngine is a build.Engine that records the context and the options
// of one ImageBuild call and fails it. The other methods are never reached.
type captureEngine struct {
	build.Engine
	tar  []byte
	opts client.ImageBuildOptions
}

var errCaptured = errors.New("pushbench: build request captured, not sent")

func (e *captureEngine) ImageBuild(_ context.Context, r io.Reader, o client.ImageBuildOptions) (client.ImageBuildResult, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return client.ImageBuildResult{}, err
	}
	e.tar, e.opts = b, o
	return client.ImageBuildResult{}, errCaptured
}

// captureBuild runs gitd's builder (same Options as cmd/gitd gives it) on dir
// and returns the context tar and build options it would send the engine.
func captureBuild(opts build.Options, req build.Request) ([]byte, client.ImageBuildOptions, error) {
	eng := &captureEngine{}
	_, err := build.New(eng, opts).Build(context.Background(), req)
	if eng.tar == nil {
		return nil, client.ImageBuildOptions{}, fmt.Errorf("gitd's builder sent no build request: %v", err)
	}
	return eng.tar, eng.opts, nil
}

// captureClient is a runtime/docker Client that records one ContainerCreate.
// The network exists (its ID is its name, so the request names it as `docker
// run --network` would) and inspection shows no mounts.
type captureClient struct {
	docker.Client
	network string
	opts    client.ContainerCreateOptions
}

func (c *captureClient) NetworkList(context.Context, client.NetworkListOptions) (client.NetworkListResult, error) {
	return client.NetworkListResult{Items: []network.Summary{{Network: network.Network{Name: c.network, ID: c.network}}}}, nil
}

func (c *captureClient) ContainerCreate(_ context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	c.opts = o
	return client.ContainerCreateResult{ID: "captured"}, nil
}

func (c *captureClient) ContainerInspect(context.Context, string, client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	return client.ContainerInspectResult{}, nil
}

// captureCreate runs gitd's runtime driver's Create for spec and returns the
// create request it would send.
func captureCreate(spec runtime.Spec) (client.ContainerCreateOptions, error) {
	c := &captureClient{network: spec.Network}
	if _, err := docker.New(c, nil).Create(context.Background(), spec); err != nil {
		return client.ContainerCreateOptions{}, err
	}
	return c.opts, nil
}

// extractTar writes a build context tar into dir (regular files and
// directories: what build contexts of the simple strategy hold).
func extractTar(data []byte, dir string) error {
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.FromSlash(h.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("context tar: entry %q leaves the directory", h.Name)
		}
		p := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, h.FileInfo().Mode().Perm()|0o700); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			if err := os.WriteFile(p, b, h.FileInfo().Mode().Perm()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("context tar: entry %q has type %q, which the benchmark does not extract", h.Name, h.Typeflag)
		}
	}
}

// buildArgs translates gitd's build options into `docker build` arguments
// for the context extracted into dir, and the environment the CLI needs.
func buildArgs(o client.ImageBuildOptions, dir string) (args, env []string, err error) {
	switch o.Version {
	case buildtypes.BuilderV1:
		env = []string{"DOCKER_BUILDKIT=0"}
	default:
		return nil, nil, fmt.Errorf("build options: builder version %q has no translation", o.Version)
	}
	args = []string{"build", "-f", filepath.Join(dir, filepath.FromSlash(o.Dockerfile))}
	for _, t := range o.Tags {
		args = append(args, "-t", t)
	}
	for _, k := range slices.Sorted(maps.Keys(o.Labels)) {
		args = append(args, "--label", k+"="+o.Labels[k])
	}
	for _, k := range slices.Sorted(maps.Keys(o.BuildArgs)) {
		if v := o.BuildArgs[k]; v != nil {
			args = append(args, "--build-arg", k+"="+*v)
		} else {
			args = append(args, "--build-arg", k)
		}
	}
	args = append(args, "--rm="+strconv.FormatBool(o.Remove), "--force-rm="+strconv.FormatBool(o.ForceRemove))
	if o.PullParent {
		args = append(args, "--pull")
	}
	if o.NoCache {
		args = append(args, "--no-cache")
	}
	if o.SuppressOutput {
		args = append(args, "-q")
	}
	if o.Memory != 0 {
		args = append(args, "--memory", strconv.FormatInt(o.Memory, 10))
	}
	if o.MemorySwap != 0 {
		args = append(args, "--memory-swap", strconv.FormatInt(o.MemorySwap, 10))
	}
	if o.NetworkMode != "" {
		args = append(args, "--network", o.NetworkMode)
	}
	rest := o
	rest.Version, rest.Dockerfile, rest.Tags, rest.Labels, rest.BuildArgs = "", "", nil, nil, nil
	rest.Remove, rest.ForceRemove, rest.PullParent, rest.NoCache, rest.SuppressOutput = false, false, false, false, false
	rest.Memory, rest.MemorySwap, rest.NetworkMode = 0, 0, ""
	if !reflect.ValueOf(rest).IsZero() {
		return nil, nil, fmt.Errorf("build options with no `docker build` translation here: %+v", rest)
	}
	return append(args, dir), env, nil
}

// runArgs translates gitd's create request into `docker run -d` arguments.
func runArgs(o client.ContainerCreateOptions) ([]string, error) {
	if o.Config == nil || o.HostConfig == nil {
		return nil, fmt.Errorf("create request without Config or HostConfig")
	}
	cfg, hc := *o.Config, *o.HostConfig
	args := []string{"run", "-d", "--name", o.Name}
	for _, e := range cfg.Env {
		args = append(args, "-e", e)
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.Labels)) {
		args = append(args, "--label", k+"="+cfg.Labels[k])
	}
	if cfg.User != "" {
		args = append(args, "--user", cfg.User)
	}
	image, cmd := cfg.Image, cfg.Cmd
	cfg.Env, cfg.Labels, cfg.User, cfg.Image, cfg.Cmd = nil, nil, "", "", nil
	if !reflect.ValueOf(cfg).IsZero() {
		return nil, fmt.Errorf("container config with no `docker run` translation here: %+v", cfg)
	}

	if hc.NetworkMode != "" {
		args = append(args, "--network", string(hc.NetworkMode))
	}
	if hc.RestartPolicy.Name != "" {
		if hc.RestartPolicy.MaximumRetryCount != 0 {
			return nil, fmt.Errorf("restart policy %+v has no translation here", hc.RestartPolicy)
		}
		args = append(args, "--restart", string(hc.RestartPolicy.Name))
	}
	if hc.ReadonlyRootfs {
		args = append(args, "--read-only")
	}
	for _, s := range hc.SecurityOpt {
		args = append(args, "--security-opt", s)
	}
	for _, c := range hc.CapDrop {
		args = append(args, "--cap-drop", c)
	}
	for _, c := range hc.CapAdd {
		args = append(args, "--cap-add", c)
	}
	for _, k := range slices.Sorted(maps.Keys(hc.Tmpfs)) {
		args = append(args, "--tmpfs", k+":"+hc.Tmpfs[k])
	}
	if hc.LogConfig.Type != "" {
		args = append(args, "--log-driver", hc.LogConfig.Type)
	}
	for _, k := range slices.Sorted(maps.Keys(hc.LogConfig.Config)) {
		args = append(args, "--log-opt", k+"="+hc.LogConfig.Config[k])
	}
	r := hc.Resources
	if r.Memory != 0 {
		args = append(args, "--memory", strconv.FormatInt(r.Memory, 10))
	}
	if r.MemorySwap != 0 {
		args = append(args, "--memory-swap", strconv.FormatInt(r.MemorySwap, 10))
	}
	if r.NanoCPUs != 0 {
		args = append(args, "--cpus", strconv.FormatFloat(float64(r.NanoCPUs)/1e9, 'f', -1, 64))
	}
	if r.PidsLimit != nil {
		args = append(args, "--pids-limit", strconv.FormatInt(*r.PidsLimit, 10))
	}
	r.Memory, r.MemorySwap, r.NanoCPUs, r.PidsLimit = 0, 0, 0, nil
	hc.Resources = container.Resources{}
	hc.NetworkMode, hc.RestartPolicy, hc.ReadonlyRootfs = "", container.RestartPolicy{}, false
	hc.SecurityOpt, hc.CapDrop, hc.CapAdd, hc.Tmpfs, hc.LogConfig = nil, nil, nil, nil, container.LogConfig{}
	if !reflect.ValueOf(r).IsZero() || !reflect.ValueOf(hc).IsZero() {
		return nil, fmt.Errorf("host config with no `docker run` translation here: %+v %+v", hc, r)
	}

	// The one endpoint, on the network named above, with no settings of
	// its own: what --network asks for.
	if nc := o.NetworkingConfig; nc != nil {
		for id, ep := range nc.EndpointsConfig {
			if id != string(o.HostConfig.NetworkMode) || (ep != nil && !reflect.ValueOf(*ep).IsZero()) {
				return nil, fmt.Errorf("networking config with no `docker run` translation here: %s %+v", id, ep)
			}
		}
	}
	if o.Platform != nil || o.Image != "" {
		return nil, fmt.Errorf("create request with a platform or a top-level image: no translation here")
	}
	return append(append(args, image), cmd...), nil
}

// dockerCmdline shows a docker command the way a shell would take it.
func dockerCmdline(env, args []string) string {
	var b strings.Builder
	for _, e := range env {
		b.WriteString(e + " ")
	}
	b.WriteString("docker")
	for _, a := range args {
		if strings.ContainsAny(a, " \t\"'$\\") {
			a = strconv.Quote(a)
		}
		b.WriteString(" " + a)
	}
	return b.String()
}
