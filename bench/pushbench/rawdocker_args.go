package main

// The translation of gitd's build options and create request into docker
// CLI arguments, flag by flag (see rawdocker.go).

import (
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"

	buildtypes "github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

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
	args = append(args, buildFlagArgs(o)...)
	rest := o
	rest.Version, rest.Dockerfile, rest.Tags, rest.Labels, rest.BuildArgs = "", "", nil, nil, nil
	rest.Remove, rest.ForceRemove, rest.PullParent, rest.NoCache, rest.SuppressOutput = false, false, false, false, false
	rest.Memory, rest.MemorySwap, rest.NetworkMode = 0, 0, ""
	if !reflect.ValueOf(rest).IsZero() {
		return nil, nil, fmt.Errorf("build options with no `docker build` translation here: %+v", rest)
	}
	return append(args, dir), env, nil
}

// buildFlagArgs translates the build options that are plain flags.
func buildFlagArgs(o client.ImageBuildOptions) []string {
	args := []string{"--rm=" + strconv.FormatBool(o.Remove), "--force-rm=" + strconv.FormatBool(o.ForceRemove)}
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
	return args
}

// runArgs translates gitd's create request into `docker run -d` arguments.
func runArgs(o client.ContainerCreateOptions) ([]string, error) {
	if o.Config == nil || o.HostConfig == nil {
		return nil, fmt.Errorf("create request without Config or HostConfig")
	}
	args, image, cmd, err := configArgs(o.Name, *o.Config)
	if err != nil {
		return nil, err
	}
	hargs, err := hostConfigArgs(*o.HostConfig)
	if err != nil {
		return nil, err
	}
	args = append(args, hargs...)

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

// configArgs translates the container config of the container name: the
// arguments up to the image, the image, and the command after it.
func configArgs(name string, cfg container.Config) (args []string, image string, cmd []string, err error) {
	args = []string{"run", "-d", "--name", name}
	for _, e := range cfg.Env {
		args = append(args, "-e", e)
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.Labels)) {
		args = append(args, "--label", k+"="+cfg.Labels[k])
	}
	if cfg.User != "" {
		args = append(args, "--user", cfg.User)
	}
	image, cmd = cfg.Image, cfg.Cmd
	cfg.Env, cfg.Labels, cfg.User, cfg.Image, cfg.Cmd = nil, nil, "", "", nil
	if !reflect.ValueOf(cfg).IsZero() {
		return nil, "", nil, fmt.Errorf("container config with no `docker run` translation here: %+v", cfg)
	}
	return args, image, cmd, nil
}

// hostConfigArgs translates the host config.
func hostConfigArgs(hc container.HostConfig) ([]string, error) {
	var args []string
	if hc.NetworkMode != "" {
		args = append(args, "--network", string(hc.NetworkMode))
	}
	if hc.RestartPolicy.Name != "" {
		if hc.RestartPolicy.MaximumRetryCount != 0 {
			return nil, fmt.Errorf("restart policy %+v has no translation here", hc.RestartPolicy)
		}
		args = append(args, "--restart", string(hc.RestartPolicy.Name))
	}
	args = append(args, hardeningArgs(hc)...)
	r := hc.Resources
	args = append(args, resourceArgs(r)...)
	r.Memory, r.MemorySwap, r.NanoCPUs, r.PidsLimit = 0, 0, 0, nil
	hc.Resources = container.Resources{}
	hc.NetworkMode, hc.RestartPolicy, hc.ReadonlyRootfs, hc.Init = "", container.RestartPolicy{}, false, nil
	hc.SecurityOpt, hc.CapDrop, hc.CapAdd, hc.Tmpfs, hc.LogConfig = nil, nil, nil, nil, container.LogConfig{}
	if !reflect.ValueOf(r).IsZero() || !reflect.ValueOf(hc).IsZero() {
		return nil, fmt.Errorf("host config with no `docker run` translation here: %+v %+v", hc, r)
	}
	return args, nil
}

// hardeningArgs translates the host config's root file system, security
// options, capabilities, tmpfs mounts and log settings.
func hardeningArgs(hc container.HostConfig) []string {
	var args []string
	if hc.Init != nil && *hc.Init {
		args = append(args, "--init")
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
	return args
}

// resourceArgs translates the resource limits.
func resourceArgs(r container.Resources) []string {
	var args []string
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
	return args
}
