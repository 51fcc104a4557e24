package build

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// The classic builder takes a cgroup parent for its step containers but
// no pids limit. So each build gets a parent cgroup of its own, made here
// with pids.max set before the build starts: the engine's step containers
// are made below it, and the kernel counts their processes against the
// parent's limit (pids is hierarchical on cgroup v1 and v2). That needs
// the engine's cgroupfs driver and a cgroup file system gitd can write
// (gitd as root on the engine's host); pidsLimiter says when it cannot.

// cgroupRoot is where the cgroup file system is mounted.
const cgroupRoot = "/sys/fs/cgroup"

// cgroupMagic2 is CGROUP2_SUPER_MAGIC (statfs f_type of cgroup v2).
const cgroupMagic2 = 0x63677270

// pidsLimiter makes per-build cgroup parents under root.
type pidsLimiter struct {
	root string // the cgroup mount, /sys/fs/cgroup
	v2   bool
	max  int64
}

// newPidsLimiter checks that build cgroups can be made under root for an
// engine with the cgroup driver driver, by making and removing one.
func newPidsLimiter(root, driver string, max int64) (*pidsLimiter, error) {
	if driver != "cgroupfs" {
		return nil, fmt.Errorf("the engine's cgroup driver is %q; build process limits need cgroupfs", driver)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(root, &st); err != nil {
		return nil, fmt.Errorf("cgroup fs: %w", err)
	}
	l := &pidsLimiter{root: root, v2: st.Type == cgroupMagic2, max: max}
	if !l.v2 {
		if _, err := os.Stat(filepath.Join(root, "pids")); err != nil {
			return nil, fmt.Errorf("no pids controller under %s: %w", root, err)
		}
	}
	probe, err := l.create()
	if err != nil {
		return nil, err
	}
	l.remove(probe)
	return l, nil
}

// create makes a new build cgroup with pids.max set and returns the
// parent name to give the engine.
func (l *pidsLimiter) create() (string, error) {
	var b [6]byte
	rand.Read(b[:])
	name := "botrunner-build-" + hex.EncodeToString(b[:])
	dir := l.pidsDir(name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", fmt.Errorf("build cgroup: %w", err)
	}
	if l.v2 {
		// Child cgroups (the step containers) need the controller enabled
		// here; the engine enables the rest it wants itself.
		if err := os.WriteFile(filepath.Join(dir, "cgroup.subtree_control"), []byte("+pids"), 0); err != nil {
			l.remove(name)
			return "", fmt.Errorf("build cgroup: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "pids.max"), []byte(strconv.FormatInt(l.max, 10)), 0); err != nil {
		l.remove(name)
		return "", fmt.Errorf("build cgroup: %w", err)
	}
	return "/" + name, nil
}

func (l *pidsLimiter) pidsDir(name string) string {
	if l.v2 {
		return filepath.Join(l.root, filepath.Base(name))
	}
	return filepath.Join(l.root, "pids", filepath.Base(name))
}

// remove removes the build cgroup and the parents the engine made for it
// in the other v1 controllers. A cgroup still in use stays (rmdir fails).
func (l *pidsLimiter) remove(parent string) error {
	name := filepath.Base(parent)
	if l.v2 {
		return rmCgroup(filepath.Join(l.root, name))
	}
	ctrls, err := os.ReadDir(l.root)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range ctrls {
		if c.IsDir() {
			errs = append(errs, rmCgroup(filepath.Join(l.root, c.Name(), name)))
		}
	}
	return errors.Join(errs...)
}

func rmCgroup(dir string) error {
	if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// peak reads the most processes the build cgroup held at once, where the
// kernel keeps it (pids.peak); -1 when it does not.
func (l *pidsLimiter) peak(parent string) int64 {
	b, err := os.ReadFile(filepath.Join(l.pidsDir(parent), "pids.peak"))
	if err != nil {
		return -1
	}
	n, err := strconv.ParseInt(string(trimNL(b)), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}
