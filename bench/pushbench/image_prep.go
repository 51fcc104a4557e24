package main

// Making the image benchmark's images (untimed): a flattened copy of the
// base image with a marker of this run (so no image on the engine shares
// its layer: a pull of it is cold), the bot on it as release 1 and 2, both
// pushed to the registry and then removed from the engine.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// prepareImages makes, pushes and removes the two releases' images and
// notes their refs and IDs.
func (b *imageBench) prepareImages(base, prefix string) error {
	began := time.Now()
	env, err := imageEnv(base)
	if err != nil {
		return err
	}
	root := "botrunner/" + prefix + "-img-root"
	if err := b.flatten(base, root, prefix); err != nil {
		return err
	}
	locals := []string{root}
	rs, err := inspectSize(root)
	if err != nil {
		removeImages(root)
		return err
	}
	b.gone = append(b.gone, rs.id)
	defer func() { removeImages(locals...) }()
	var sizes [2]imageSize
	var top string // release 2's top layer's size
	for n := 1; n <= 2; n++ {
		local := fmt.Sprintf("botrunner/%s-img:v%d", prefix, n)
		locals = append(locals, local)
		if sizes[n-1], top, err = b.pushRelease(root, env, local, prefix, n); err != nil {
			return err
		}
	}
	removeImages(locals...)
	if err := b.checkGone(); err != nil {
		return err
	}
	fmt.Printf("images (made, pushed and removed from the engine in %.0fs): %s = %d layers, %.1f MB;\n  %s = the same + a %s top layer (the code, one line changed)\n",
		time.Since(began).Seconds(), b.refs[0], sizes[0].layers, float64(sizes[0].bytes)/1e6, b.refs[1],
		topSize(top))
	return nil
}

// pushRelease builds release n as local and pushes it; it returns the
// image's size and history (the layers' sizes).
func (b *imageBench) pushRelease(root string, env []string, local, prefix string, n int) (imageSize, string, error) {
	if err := b.buildRelease(root, env, local, n); err != nil {
		return imageSize{}, "", err
	}
	size, err := inspectSize(local)
	if err != nil {
		return size, "", err
	}
	hist, err := dockerOut("history", "--human=false", "--format", "{{.Size}}", local)
	if err != nil {
		return size, "", err
	}
	ref, err := b.reg.Push(context.Background(), local, fmt.Sprintf("%s-bot:v%d", prefix, n))
	if err != nil {
		return size, "", fmt.Errorf("image: push %s: %w", local, err)
	}
	b.refs[n-1], b.gone = ref, append(b.gone, size.id)
	return size, hist, nil
}

// imageEnv is the base image's environment (docker import keeps none).
func imageEnv(base string) ([]string, error) {
	out, err := dockerOut("image", "inspect", "--format", "{{json .Config.Env}}", base)
	if err != nil {
		return nil, err
	}
	var env []string
	return env, json.Unmarshal([]byte(out), &env)
}

// flatten makes root: base's file system plus /etc/pushbench-image (the
// run's prefix) in one layer of its own, by docker export | docker import.
func (b *imageBench) flatten(base, root, prefix string) error {
	dir := filepath.Join(b.work, "image", "root")
	if err := writeFileAll(filepath.Join(dir, "pushbench-image"), []byte(prefix+"\n"), 0o644); err != nil {
		return err
	}
	df := fmt.Sprintf("FROM %s\nCOPY pushbench-image /etc/pushbench-image\n", base)
	if err := writeFileAll(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		return err
	}
	src, name := "botrunner/"+prefix+"-img-src", "botrunner-"+prefix+"-img-export"
	if _, err := dockerOut("build", "-q", "-t", src, dir); err != nil {
		return err
	}
	defer removeImages(src)
	if _, err := dockerOut("create", "--name", name, src); err != nil {
		return err
	}
	defer func() { _, _ = dockerOut("rm", name) }()
	return exportImport(name, root)
}

// exportImport is docker export name | docker import - root.
func exportImport(name, root string) error {
	exp, imp := exec.Command("docker", "export", name), exec.Command("docker", "import", "-", root)
	var e1, e2 bytes.Buffer
	exp.Stderr, imp.Stderr = &e1, &e2
	pipe, err := exp.StdoutPipe()
	if err != nil {
		return err
	}
	imp.Stdin = pipe
	if err := exp.Start(); err != nil {
		return err
	}
	if err := imp.Start(); err != nil {
		_ = exp.Process.Kill()
		_ = exp.Wait()
		return err
	}
	errE, errI := exp.Wait(), imp.Wait()
	if errE != nil || errI != nil {
		return fmt.Errorf("image: docker export %s | docker import: %v %v: %s%s", name, errE, errI, e1.String(), e2.String())
	}
	return nil
}

// buildRelease builds release n of the bot on root as local.
func (b *imageBench) buildRelease(root string, env []string, local string, n int) error {
	dir := filepath.Join(b.work, "image", fmt.Sprintf("v%d", n))
	if err := b.writeBot(dir, "image", n); err != nil {
		return err
	}
	df := filepath.Join(b.work, "image", "Dockerfile")
	if err := writeFileAll(df, []byte(imageDockerfile(root, env)), 0o644); err != nil {
		return err
	}
	_, err := dockerOut("build", "-q", "-t", local, "-f", df, dir)
	return err
}

// imageDockerfile is the releases' Dockerfile: the base's environment, the
// bot's code in /app, run as gitd runs a bot of the simple strategy.
func imageDockerfile(root string, env []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "FROM %s\n", root)
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		fmt.Fprintf(&b, "ENV %s=%s\n", k, strconv.Quote(v))
	}
	b.WriteString("WORKDIR /app\nCOPY . /app\nCMD [\"python\", \"-u\", \"main.py\"]\n")
	return b.String()
}

// imageSize is what inspectSize tells of an image.
type imageSize struct {
	id            string
	bytes, layers int64
}

func inspectSize(ref string) (imageSize, error) {
	out, err := dockerOut("image", "inspect", "--format", "{{.Id}} {{.Size}} {{len .RootFS.Layers}}", ref)
	if err != nil {
		return imageSize{}, err
	}
	var s imageSize
	if _, err := fmt.Sscan(out, &s.id, &s.bytes, &s.layers); err != nil {
		return imageSize{}, fmt.Errorf("image inspect %s: %q: %v", ref, out, err)
	}
	return s, nil
}

// checkGone fails if the flattened base or either release's image is on
// the engine: the next pull of release 1 would not be cold.
func (b *imageBench) checkGone() error {
	for _, id := range b.gone {
		if _, err := dockerOut("image", "inspect", id); err == nil {
			return fmt.Errorf("image: image %s is still on the engine after cleanup: the next pull would not be cold", id)
		}
	}
	return nil
}

// removeImages removes refs from the engine (untimed; errors for refs
// already gone are ignored).
func removeImages(refs ...string) {
	_, _ = dockerOut(append([]string{"image", "rm"}, refs...)...)
}

// dockerOut runs a docker command (the classic builder for builds, like
// gitd's) and returns its trimmed stdout.
func dockerOut(args ...string) (string, error) {
	cmd := exec.Command("docker", args...)
	cmd.Env = append(cmd.Environ(), "DOCKER_BUILDKIT=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %v: %s", dockerCmdline(nil, args), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// topSize shows the size of the top layer in an image's history (docker
// history --human=false --format {{.Size}}: bytes, newest entry first;
// entries without a layer, like CMD, are 0).
func topSize(history string) string {
	for _, l := range strings.Fields(history) {
		if n, err := strconv.ParseInt(l, 10, 64); err == nil && n > 0 {
			return byteSize(n)
		}
	}
	return "?"
}

// byteSize shows n bytes in B, kB or MB.
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
