package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// PTB13Packages are Debian's python-telegram-bot 13 and what it imports
// that a minimal Python image lacks.
var PTB13Packages = []string{"python3-python-telegram-bot", "python3-apscheduler", "python3-cachetools",
	"python3-certifi", "python3-tornado", "python3-tz", "python3-tzlocal", "python3-pytz-deprecation-shim",
	"python3-urllib3", "python3-six"}

// VendorPTB13 puts Debian's python-telegram-bot 13 and its dependencies
// into dst, as a bot repo would vendor them where no package index can be
// reached: the packages' dist-packages trees, for sys.path. It uses the
// host's apt (apt-get download, dpkg-deb), so its Debian release must
// match the bots' base image's Python.
func VendorPTB13(ctx context.Context, dst string) error {
	debs, err := os.MkdirTemp("", "botrunner-ptb13-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(debs)
	dl := exec.CommandContext(ctx, "apt-get", append([]string{"download", "-q"}, PTB13Packages...)...)
	dl.Dir = debs
	if out, err := dl.CombinedOutput(); err != nil {
		return fmt.Errorf("apt-get download: %v: %s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(debs, "*.deb"))
	root := filepath.Join(debs, "root")
	for _, f := range files {
		if out, err := exec.CommandContext(ctx, "dpkg-deb", "-x", f, root).CombinedOutput(); err != nil {
			return fmt.Errorf("dpkg-deb -x %s: %v: %s", filepath.Base(f), err, out)
		}
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	src := filepath.Join(root, "usr", "lib", "python3", "dist-packages") + "/."
	if out, err := exec.CommandContext(ctx, "cp", "-r", src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("copy dist-packages: %v: %s", err, out)
	}
	return nil
}
