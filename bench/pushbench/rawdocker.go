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
	"os"
	"path/filepath"
	"strconv"
	"strings"

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

// ContainerInspect shows the container on its network (the driver checks
// that the engine attached it) and with no mounts.
func (c *captureClient) ContainerInspect(context.Context, string, client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	var in client.ContainerInspectResult
	in.Container.NetworkSettings = &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{c.network: {}}}
	return in, nil
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
			b, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			if err := writeFileAll(p, b, h.FileInfo().Mode().Perm()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("context tar: entry %q has type %q, which the benchmark does not extract", h.Name, h.Typeflag)
		}
	}
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
