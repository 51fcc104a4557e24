package main

// Helpers the modes share: required flags, the ssh client, rounds of
// warm-up and measured runs, scratch directories and files, medians, the
// load average.

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// requireFlags fails, as mode, on a flag in flags (name → value) left empty.
func requireFlags(mode string, flags map[string]string) error {
	for name, v := range flags {
		if v == "" {
			return fmt.Errorf("%s: %s is required", mode, name)
		}
	}
	return nil
}

// sshClient is the ssh client every mode connects with, with its options
// and key, and no destination.
func sshClient(key string) []string {
	return []string{"ssh", "-F", "/dev/null", "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"}
}

// sshTo is the ssh client base (as sshClient makes it) running args on
// addr (host:port) as user.
func sshTo(base []string, addr, user string, args ...string) *exec.Cmd {
	host, port, _ := strings.Cut(addr, ":")
	a := append(slices.Clone(base[1:]), "-p", port, user+"@"+host)
	return exec.Command(base[0], append(a, args...)...)
}

// roundTag names round i of a loop from -warmup to runs: the tag in app
// and target names ("w1" … for warm-up rounds, "1" … after) and the label
// the round's lines are printed with.
func roundTag(i int) (tag, label string) {
	if i < 0 {
		return "w" + strconv.Itoa(-i), "warm-up"
	}
	tag = strconv.Itoa(i + 1)
	return tag, "run " + tag
}

// turns is the order the two sides go in round i: a first in even rounds,
// b first in the others, so that neither always runs into the other's
// leftovers.
func turns[T any](i int, a, b T) []T {
	if i%2 != 0 {
		return []T{b, a}
	}
	return []T{a, b}
}

// mkdirs makes each of subdirs below root.
func mkdirs(root string, subdirs ...string) error {
	for _, d := range subdirs {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// writeFileAll writes data to p, making p's directory first.
func writeFileAll(p string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, perm)
}

// median of sorted durations; the mean of the middle two for an even count.
func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// medianOf is the median, the least and the greatest of ds (in any order).
func medianOf(ds []time.Duration) (med, lo, hi time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return median(s), s[0], s[len(s)-1]
}

// loadAvg is the 1, 5 and 15 minute load average.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

func metWord(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

// onInterrupt runs stop and exits 130 on SIGINT or SIGTERM, so that an
// interrupted run leaves nothing of its own running behind.
func onInterrupt(stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-sig
		stop()
		os.Exit(130)
	}()
}
