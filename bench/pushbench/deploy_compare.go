package main

// The check that both sides of the deploy benchmark ran the same thing.

import (
	"context"
	"fmt"
	"maps"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/build"
)

// compare shows that both sides ran the same thing: the running containers'
// settings as the engine reports them, and the images' build steps.
func (b *deployBench) compare(gitdApp, rawApp string) {
	if !b.compareContainers(gitdApp, rawApp) {
		return
	}
	gh, err1 := history(build.Tag(gitdApp, 2))
	rh, err2 := history(build.Tag(rawApp, 2))
	switch {
	case err1 != nil || err2 != nil:
		fmt.Printf("  (cannot compare the images: %v %v)\n", err1, err2)
	case slices.Equal(gh, rh):
		fmt.Printf("  check: gitd's and the raw image have the same %d history entries (COPY sources and label values aside)\n", len(gh))
	default:
		fmt.Printf("  check: gitd's and the raw image histories DIFFER:\n    gitd: %s\n    raw:  %s\n",
			strings.Join(gh, " | "), strings.Join(rh, " | "))
	}
}

// compareContainers prints how release 2's containers of the two apps
// compare; false if it could not inspect them.
func (b *deployBench) compareContainers(gitdApp, rawApp string) bool {
	g, err1 := inspectView(b.cli, containerName(gitdApp, 2))
	r, err2 := inspectView(b.cli, containerName(rawApp, 2))
	if err1 != nil || err2 != nil {
		fmt.Printf("  (cannot compare the containers: %v %v)\n", err1, err2)
		return false
	}
	printViewCompare(g, r)
	return true
}

// inspectView is the containerView of the container name.
func inspectView(cli *client.Client, name string) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	in, err := cli.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil {
		return nil, err
	}
	return containerView(in.Container), nil
}

// printViewCompare prints where gitd's container view g and the raw one r
// agree and differ.
func printViewCompare(g, r map[string]string) {
	var same, diff []string
	for _, k := range slices.Sorted(maps.Keys(g)) {
		if g[k] == r[k] {
			same = append(same, k)
		} else {
			diff = append(diff, fmt.Sprintf("%s: gitd %s, raw %s", k, g[k], r[k]))
		}
	}
	if len(diff) == 0 {
		fmt.Printf("  check: gitd's and the raw container agree on %s (raw label keys are pushbench.raw.*, not botrunner.*)\n", strings.Join(same, ", "))
	} else {
		fmt.Printf("  check: gitd's and the raw container DIFFER: %s (agree on %s)\n", strings.Join(diff, "; "), strings.Join(same, ", "))
	}
}

func containerView(c container.InspectResponse) map[string]string {
	m := map[string]string{}
	if hc := c.HostConfig; hc != nil {
		hostConfigView(m, hc)
	}
	m["mounts"] = strconv.Itoa(len(c.Mounts))
	if cfg := c.Config; cfg != nil {
		configView(m, cfg)
	}
	if ns := c.NetworkSettings; ns != nil {
		var nets []string
		for name := range ns.Networks {
			nets = append(nets, name)
		}
		sort.Strings(nets)
		m["networks"] = fmt.Sprint(nets)
	}
	return m
}

// hostConfigView adds a container's resource and hardening settings to m.
func hostConfigView(m map[string]string, hc *container.HostConfig) {
	pids := "unset"
	if hc.PidsLimit != nil {
		pids = strconv.FormatInt(*hc.PidsLimit, 10)
	}
	m["memory"] = strconv.FormatInt(hc.Memory, 10)
	m["memory-swap"] = strconv.FormatInt(hc.MemorySwap, 10)
	m["cpus"] = strconv.FormatInt(hc.NanoCPUs, 10)
	m["pids"] = pids
	m["read-only"] = strconv.FormatBool(hc.ReadonlyRootfs)
	m["tmpfs"] = fmt.Sprint(hc.Tmpfs)
	m["cap-drop"] = fmt.Sprint(hc.CapDrop)
	m["cap-add"] = fmt.Sprint(hc.CapAdd)
	m["security-opt"] = fmt.Sprint(hc.SecurityOpt)
	m["log"] = hc.LogConfig.Type + fmt.Sprint(hc.LogConfig.Config)
	m["restart"] = string(hc.RestartPolicy.Name)
	m["privileged"] = strconv.FormatBool(hc.Privileged)
	m["binds"] = fmt.Sprint(hc.Binds)
}

// configView adds a container's user, environment, command and label keys
// to m.
func configView(m map[string]string, cfg *container.Config) {
	env := slices.Sorted(slices.Values(cfg.Env))
	m["user"] = cfg.User
	m["env"] = strings.Join(env, " ")
	m["cmd"] = fmt.Sprint(cfg.Cmd)
	m["entrypoint"] = fmt.Sprint(cfg.Entrypoint)
	var keys []string // the raw side's pushbench.raw.* read as botrunner.*
	for k := range cfg.Labels {
		if rest, ok := strings.CutPrefix(k, rawLabelPrefix); ok {
			k = "botrunner." + rest
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	m["label keys"] = fmt.Sprint(keys)
}

var (
	historyHash  = regexp.MustCompile(`\b(file|dir):[0-9a-f]{64}\b`)
	historyLabel = regexp.MustCompile(`LABEL .*(botrunner|pushbench\.raw)\..*`)
)

// history is an image's build steps, with what differs by design (COPY
// source hashes: each app's code is its own; label values) blanked out.
func history(ref string) ([]string, error) {
	out, err := exec.Command("docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", ref).Output()
	if err != nil {
		return nil, fmt.Errorf("docker history %s: %w", ref, err)
	}
	var h []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		l = historyHash.ReplaceAllString(l, "$1:…")
		l = historyLabel.ReplaceAllString(l, "LABEL botrunner.*")
		h = append(h, l)
	}
	return h, nil
}
