package testenv

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/botrunner/botrunner/testsupport/testenv/internal/pyindex"
)

// importDir streams dir as a tar into `docker import` — two processes joined
// by a pipe, no shell.
func importDir(ctx context.Context, dir, tag string, changes []string) error {
	tarCmd := exec.CommandContext(ctx, "tar", "-C", dir, "--numeric-owner", "-c", ".")
	args := []string{"import"}
	for _, c := range changes {
		args = append(args, "--change", c)
	}
	imp := exec.CommandContext(ctx, "docker", append(args, "-", tag)...)

	pipe, err := tarCmd.StdoutPipe()
	if err != nil {
		return err
	}
	imp.Stdin = pipe
	var tarErr, impErr bytes.Buffer
	tarCmd.Stderr, imp.Stderr = &tarErr, &impErr
	if err := tarCmd.Start(); err != nil {
		return fmt.Errorf("tar: %w", err)
	}
	if err := imp.Run(); err != nil {
		_ = tarCmd.Process.Kill()
		_ = tarCmd.Wait()
		return fmt.Errorf("docker import: %w: %s", err, tail(impErr.String(), 2000))
	}
	if err := tarCmd.Wait(); err != nil {
		return fmt.Errorf("tar: %w: %s", err, tail(tarErr.String(), 2000))
	}
	return nil
}

// runLogged runs cmd, logging debootstrap's phases ("I: Unpacking the base
// system...", not the line per package) and errors at Info, the rest at Debug, with a heartbeat while it is quiet. A
// failure carries the last lines of output.
func runLogged(ctx context.Context, name string, cmd *exec.Cmd) error {
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	killGroupOnCancel(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	waitErr := make(chan error, 1)
	go func() { err := cmd.Wait(); pw.Close(); waitErr <- err }()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, pr) // a line too long for the scanner
		close(lines)
	}()

	began := time.Now()
	beat := time.NewTicker(15 * time.Second)
	defer beat.Stop()
	var last []string
	for open := true; open; {
		select {
		case <-beat.C:
			Logger.Info("still running", "cmd", name, "elapsed", time.Since(began).Round(time.Second))
		case line, ok := <-lines:
			if !ok {
				open = false
				break
			}
			if last = append(last, line); len(last) > 40 {
				last = last[1:]
			}
			if milestone(line) {
				Logger.Info(name, "out", line, "elapsed", time.Since(began).Round(time.Second))
			} else {
				Logger.Debug(name, "out", line)
			}
		}
	}
	if err := <-waitErr; err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, strings.Join(last, "\n"))
	}
	return nil
}

// milestone tells phase lines ("I: Configuring required packages...")
// from per-package ones ("I: Configuring libc6:amd64...") and keeps errors
// and warnings.
func milestone(line string) bool {
	if strings.HasPrefix(line, "E:") || strings.HasPrefix(line, "W:") {
		return true
	}
	msg, ok := strings.CutPrefix(line, "I: ")
	return ok && len(strings.Fields(msg)) >= 3
}

// removeRootfs deletes a debootstrap tree. A failed debootstrap can leave
// /proc or /sys mounted inside it; those are unmounted first, and if that
// fails the tree is left alone rather than recursing into the host's /sys.
func removeRootfs(dir string) {
	for _, mp := range mountsUnder(dir) {
		if out, err := exec.Command("umount", "-l", mp).CombinedOutput(); err != nil {
			Logger.Warn("leaving rootfs in place: can't unmount", "mount", mp, "err", err, "out", string(out))
			return
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		Logger.Warn("remove rootfs", "dir", dir, "err", err)
	}
}

// mountsUnder lists mount points below dir, deepest first.
func mountsUnder(dir string) []string {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			out = append(out, f[4])
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out
}

// greetingWheel is the botrunner-greeting wheel the pip index serves.
func greetingWheel() (pyindex.Wheel, error) {
	for _, p := range pyindex.Catalog() {
		if p.Name == GreetingPackage {
			return pyindex.BuildWheel(p)
		}
	}
	return pyindex.Wheel{}, errors.New("greeting package missing from the catalog")
}

func bytesReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}
