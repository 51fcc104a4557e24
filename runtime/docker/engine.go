package docker

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/client"
)

// Engine is what gitd logs about the Docker Engine at start, and what it
// checks before it runs anyone's code there.
type Engine struct {
	Version       string   // the engine's, e.g. "20.10.24+dfsg1"
	APIVersion    string   // the highest the engine speaks
	Runtime       string   // the default OCI runtime bots run with, e.g. "runc"
	Runtimes      []string // every runtime the engine offers, sorted
	Runc          string   // runc's version, e.g. "1.1.12"; "" if the engine did not say
	RuncBuild     string   // runc's build as packaged, e.g. "1.1.5+ds1-1+deb12u1" or "v1.1.12-0-g51d5e94"
	StorageDriver string   // e.g. "overlay2", "fuse-overlayfs"
	LiveRestore   bool     // containers outlive a daemon restart (log streams do not)
}

// Engine reads the engine's /info and /version.
func (d *Driver) Engine(ctx context.Context) (Engine, error) {
	info, err := d.c.Info(ctx, client.InfoOptions{})
	if err != nil {
		return Engine{}, fmt.Errorf("engine info: %w", err)
	}
	ver, err := d.c.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return Engine{}, fmt.Errorf("engine version: %w", err)
	}
	i := info.Info
	e := Engine{
		Version: cmp.Or(ver.Version, i.ServerVersion), APIVersion: ver.APIVersion,
		Runtime: i.DefaultRuntime, RuncBuild: i.RuncCommit.ID,
		StorageDriver: i.Driver, LiveRestore: i.LiveRestoreEnabled,
		Runtimes: slices.Sorted(maps.Keys(i.Runtimes)),
	}
	for _, c := range ver.Components {
		if strings.EqualFold(c.Name, "runc") {
			e.Runc = c.Version
			e.RuncBuild = cmp.Or(c.Details["GitCommit"], e.RuncBuild)
		}
	}
	if e.Runc == "" { // engines before the Components list: the commit is often a version
		if _, ok := parseRunc(e.RuncBuild); ok {
			e.Runc = e.RuncBuild
		}
	}
	return e, nil
}

// MinRunc is the first runc release without the leaked-fd container escape
// of CVE-2024-21626 (a `WORKDIR /proc/self/fd/N` reaches the host).
var MinRunc = runcVersion{1, 1, 12, false}

// patchedBuilds are distribution builds of older runc releases that carry
// the fix: the prefix of the package version, and the first patched
// revision after it. Each was read from the distribution's changelog.
var patchedBuilds = []struct {
	prefix string
	from   int
}{
	{"1.1.5+ds1-1+deb12u", 1}, // Debian 12 bookworm-security
}

// runcRuntimes are the default-runtime names under which bots run runc.
var runcRuntimes = []string{"runc", "io.containerd.runc.v2", "io.containerd.runtime.v1.linux"}

// CheckRunc says whether bots may run on this engine: nil if its runtime is
// runc 1.1.12 or later (or a distribution build known to be patched);
// ErrVulnerableRunc if it is older; ErrUnknownRunc if the version (or the
// runtime) cannot be checked.
func (e Engine) CheckRunc() error {
	if e.Runtime != "" && !slices.Contains(runcRuntimes, e.Runtime) {
		return ErrUnknownRunc.With(fmt.Sprintf("the engine runs containers with %q, whose version gitd cannot check", e.Runtime), nil)
	}
	v, ok := parseRunc(e.Runc)
	if !ok {
		return ErrUnknownRunc.With(fmt.Sprintf("the engine does not say which runc it runs (version %q, build %q)", e.Runc, e.RuncBuild), nil)
	}
	if !v.less(MinRunc) || e.patchedBuild() {
		return nil
	}
	return ErrVulnerableRunc.With(fmt.Sprintf("runc %s (build %s) is older than %s: containers can escape to the host (CVE-2024-21626)",
		e.Runc, e.RuncBuild, MinRunc), nil)
}

func (e Engine) patchedBuild() bool {
	for _, p := range patchedBuilds {
		if rest, ok := strings.CutPrefix(e.RuncBuild, p.prefix); ok {
			if n, err := strconv.Atoi(rest); err == nil && n >= p.from {
				return true
			}
		}
	}
	return false
}

// runcVersion is major.minor.patch; pre marks a pre-release (1.0.0-rc93),
// which comes before the release of the same numbers.
type runcVersion struct {
	major, minor, patch int
	pre                 bool
}

func (v runcVersion) String() string { return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch) }

func (v runcVersion) less(w runcVersion) bool {
	if v.major != w.major {
		return v.major < w.major
	}
	if v.minor != w.minor {
		return v.minor < w.minor
	}
	if v.patch != w.patch {
		return v.patch < w.patch
	}
	return v.pre && !w.pre
}

// runcVersionRE reads "1.1.12", "v1.1.12-0-g51d5e94", "1.0.0-rc93",
// "1.0.0~rc93+ds1", "1.1.5+ds1": the numbers, then whether an rc follows.
var runcVersionRE = regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)([-~]rc)?`)

func parseRunc(s string) (runcVersion, bool) {
	m := runcVersionRE.FindStringSubmatch(s)
	if m == nil {
		return runcVersion{}, false
	}
	var v runcVersion
	v.major, _ = strconv.Atoi(m[1])
	v.minor, _ = strconv.Atoi(m[2])
	v.patch, _ = strconv.Atoi(m[3])
	v.pre = m[4] != ""
	return v, true
}
