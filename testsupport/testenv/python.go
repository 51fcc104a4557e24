package testenv

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// PythonTag is the Python base image: Debian bookworm's Python 3.11, made to
// behave like the official python:3.11-slim where bots notice (pip installs
// as root without --break-system-packages; `python` and `pip` on PATH).
const PythonTag = "botrunner-test/python:3.11"

// pythonPackages go into the image besides debootstrap's minbase. passwd
// brings useradd, which the simple strategy's Dockerfile runs.
var pythonPackages = []string{
	"python3", "python3-pip", "python3-venv", "python-is-python3", "ca-certificates", "passwd",
}

// pythonChanges are the Dockerfile instructions docker import applies.
// PIP_DISABLE_PIP_VERSION_CHECK keeps pip from asking an index about
// itself: nothing may leave the machine.
var pythonChanges = []string{
	"ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"ENV LANG=C.UTF-8",
	"ENV PIP_DISABLE_PIP_VERSION_CHECK=1",
	`CMD ["python3"]`,
}

// pythonRecipeVersion changes when the recipe below changes in a way the
// package list and changes don't show.
const pythonRecipeVersion = "1"

// PythonImage returns PythonTag, building it the first time on this machine
// with debootstrap from the machine's Debian mirror (about 90 s; it installs
// debootstrap with apt-get first if it is missing, which needs root).
func PythonImage(ctx context.Context) (string, error) {
	sum := sha256.Sum256([]byte(pythonRecipeVersion + "\n" +
		strings.Join(pythonPackages, ",") + "\n" + strings.Join(pythonChanges, "\n")))
	return ensure(ctx, recipe{
		tag:    PythonTag,
		stamp:  fmt.Sprintf("python-%x", sum[:6]),
		build:  buildPython,
		verify: verifyPython,
	})
}

func buildPython(ctx context.Context, stamp string) error {
	debootstrap, err := installDebootstrap(ctx)
	if err != nil {
		return err
	}
	mirror, err := DebianMirror()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(scratchDir(), "botrunner-python-rootfs-")
	if err != nil {
		return err
	}
	defer removeRootfs(dir)
	// MkdirTemp makes 0700; this directory becomes the image's "/".
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	Logger.Info("debootstrap bookworm", "mirror", mirror, "dir", dir)
	err = runLogged(ctx, "debootstrap", exec.CommandContext(ctx, debootstrap,
		"--variant=minbase", "--include="+strings.Join(pythonPackages, ","),
		"bookworm", dir, mirror))
	if err != nil {
		return err
	}
	if err := trimRootfs(dir); err != nil {
		return err
	}
	changes := append([]string{"LABEL " + stampLabel + "=" + stamp}, pythonChanges...)
	Logger.Info("docker import", "image", PythonTag)
	return importDir(ctx, dir, PythonTag, changes)
}

// scratchDir holds the root filesystem while it is built: /var/tmp is on
// disk, where /tmp may be a small tmpfs.
func scratchDir() string {
	if fi, err := os.Stat("/var/tmp"); err == nil && fi.IsDir() {
		return "/var/tmp"
	}
	return os.TempDir()
}

// installDebootstrap finds debootstrap, or installs it with apt-get.
func installDebootstrap(ctx context.Context) (string, error) {
	for _, p := range []string{"debootstrap", "/usr/sbin/debootstrap"} {
		if path, err := exec.LookPath(p); err == nil {
			return path, nil
		}
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("debootstrap is not installed and we are not root: run `sudo apt-get install debootstrap`")
	}
	Logger.Info("installing debootstrap with apt-get")
	for _, args := range [][]string{
		{"update"},
		{"install", "-y", "--no-install-recommends", "debootstrap"},
	} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if err := runLogged(ctx, "apt-get", cmd); err != nil {
			return "", err
		}
	}
	return exec.LookPath("/usr/sbin/debootstrap")
}

// trimRootfs makes the tree an image: pip allowed as root (as in the
// official image), no apt caches, an empty /dev (Docker mounts its own).
func trimRootfs(dir string) error {
	var remove []string
	for _, pattern := range []string{
		"usr/lib/python3*/EXTERNALLY-MANAGED",
		"var/cache/apt/archives/*.deb",
		"var/cache/apt/*.bin",
		"var/lib/apt/lists/*",
		"dev/*",
	} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return err
		}
		remove = append(remove, m...)
	}
	for _, p := range remove {
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() && strings.HasSuffix(filepath.Dir(p), "lists") {
			continue // lists/partial stays, as apt expects it
		}
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}

// verifyPython runs the checks a bot's build relies on, with no network.
func verifyPython(ctx context.Context) error {
	whl, err := greetingWheel()
	if err != nil {
		return err
	}
	checks := []struct {
		what  string
		stdin []byte
		args  []string
		want  string
	}{
		{"python", nil, []string{PythonTag, "python", "-c", "import sys; print(sys.version)"}, "3.11."},
		{"pip", nil, []string{PythonTag, "pip", "--version"}, "(python 3.11)"},
		{"pip install as root", whl.Data, []string{PythonTag, "sh", "-ec",
			"cat > /tmp/" + whl.Filename + "; pip install --no-index -q /tmp/" + whl.Filename +
				`; python -c 'import botrunner_greeting as g; print(g.greet("x"))'`}, "hello x"},
		{"useradd", nil, []string{PythonTag, "sh", "-ec", "useradd --create-home bot; id bot"}, "uid="},
		{"python as non-root", nil, []string{"--user", "65534:65534", PythonTag,
			"python", "-c", "import ssl, venv; print('ok')"}, "ok"},
	}
	for _, c := range checks {
		began := time.Now()
		args := append([]string{"run", "--rm", "-i", "--network", "none"}, c.args...)
		out, err := docker(ctx, bytesReader(c.stdin), args...)
		if err != nil {
			return fmt.Errorf("%s: %w", c.what, err)
		}
		if !strings.Contains(out, c.want) {
			return fmt.Errorf("%s: want %q in output, got %q", c.what, c.want, out)
		}
		Logger.Info("verified", "image", PythonTag, "check", c.what,
			"output", lastLine(out), "took", time.Since(began).Round(10*time.Millisecond))
	}
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
