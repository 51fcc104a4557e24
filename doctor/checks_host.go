package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/botrunner/botrunner/bytesize"
	"github.com/botrunner/botrunner/runtime/firewall"
)

// checkFirewall looks for this gitd instance's iptables chains
// (docs/network.md), which gitd sets at every start.
func (d *Doctor) checkFirewall(ctx context.Context, r Result) Result {
	if d.s.BotFirewall == "off" {
		r.Detail += "; GITD_BOT_FIREWALL=off: the admin's own rules are not checked"
		return r
	}
	b, err := os.ReadFile(filepath.Join(d.s.Data, "instance-id"))
	id := strings.TrimSpace(string(b))
	if err != nil || id == "" || d.fw == nil {
		r.Detail += "; firewall not checked (gitd has not started with this data dir yet)"
		return r
	}
	fwd, in := firewall.Config{Instance: id}.Chains()
	for _, chain := range []string{fwd, in} {
		if err := d.fw(ctx, chain); err != nil {
			r.Status = Warn
			if d.s.BotFirewall == "on" {
				r.Status = Fail
			}
			r.Detail += fmt.Sprintf("; the bot firewall's chain %s is not set: bots can reach the host and private networks", chain)
			r.Fix = "run gitd as root on the Docker host (it sets the chains at start), or run the rules from gitd's " +
				"start log as root on the host and set GITD_BOT_FIREWALL=off (docs/network.md)"
			return r
		}
	}
	r.Detail += "; bot firewall chains " + fwd + " and " + in + " are set"
	return r
}

func (d *Doctor) checkDataDisk(context.Context) Result {
	return d.checkDisk("data disk", d.s.Data, "the data dir")
}

// checkEngineDisk looks at the engine's data root when it is on this
// host (a local socket, and the path visible here).
func (d *Doctor) checkEngineDisk(context.Context) Result {
	if d.engine == nil {
		return skipped("engine disk")
	}
	root := d.eng.RootDir
	local := d.s.DockerHost == "" || strings.HasPrefix(d.s.DockerHost, "unix://")
	if _, err := os.Stat(root); !local || err != nil {
		return Result{Check: "engine disk", Status: Skip,
			Detail: fmt.Sprintf("the engine's root %s is not visible from here; check it on the engine's host (df -h %s)", root, root)}
	}
	return d.checkDisk("engine disk", root, "the engine's root")
}

// checkDisk measures the free space of the file system holding dir (or
// its nearest existing parent: the data dir may not exist yet).
func (d *Doctor) checkDisk(name, dir, what string) Result {
	r := Result{Check: name}
	at := dir
	var st syscall.Statfs_t
	for {
		err := syscall.Statfs(at, &st)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(at) == at {
			r.Status, r.Detail, r.Fix = Fail, fmt.Sprintf("%s %s: %v", what, dir, err), "check the path and its permissions"
			return r
		}
		at = filepath.Dir(at)
	}
	free := int64(st.Bavail) * st.Bsize
	r.Status, r.Detail = OK, fmt.Sprintf("%s free for %s (%s)", bytesize.Format(free), what, dir)
	fix := fmt.Sprintf("free space on the file system of %s (docker system df shows what images and build cache take; "+
		"remove what you do not need), or move it to a larger disk", dir)
	switch {
	case free < d.s.MinFree:
		r.Status, r.Fix = Fail, fix
		r.Detail += fmt.Sprintf(": below %s, builds and pushes fail", bytesize.Format(d.s.MinFree))
	case free < d.s.LowFree:
		r.Status, r.Fix = Warn, fix
		r.Detail += fmt.Sprintf(": below %s", bytesize.Format(d.s.LowFree))
	}
	return r
}

// Inotify: the engine follows each bot's json-file log with an inotify
// instance of its own user (root), and gitd follows every running bot.
const (
	minInotifyInstances = 512
	minInotifyWatches   = 65536
)

func (d *Doctor) checkInotify(context.Context) Result {
	r := Result{Check: "inotify", Status: OK}
	read := func(name string) (int, error) {
		b, err := os.ReadFile(filepath.Join(d.s.ProcSys, "fs", "inotify", name))
		if err != nil {
			return 0, err
		}
		return strconv.Atoi(strings.TrimSpace(string(b)))
	}
	inst, err1 := read("max_user_instances")
	watches, err2 := read("max_user_watches")
	if err := errors.Join(err1, err2); err != nil {
		r.Status, r.Detail = Skip, "cannot read the inotify limits: "+err.Error()
		return r
	}
	r.Detail = fmt.Sprintf("max_user_instances %d, max_user_watches %d", inst, watches)
	if inst < minInotifyInstances || watches < minInotifyWatches {
		r.Status = Warn
		r.Detail += fmt.Sprintf(": the engine follows each bot's log with one instance; fewer than %d bots fit",
			inst)
		r.Fix = fmt.Sprintf(`printf 'fs.inotify.max_user_instances=%d\nfs.inotify.max_user_watches=%d\n' `+
			"> /etc/sysctl.d/90-gitd.conf && sysctl --system", max(inst, 8192), max(watches, 524288))
	}
	return r
}

// checkHostKeys wants the private keys gitd reads readable by their owner
// only, and owned by the user gitd runs as.
func (d *Doctor) checkHostKeys(context.Context) Result {
	r := Result{Check: "host keys", Status: OK}
	keys := d.s.HostKeys
	if len(keys) == 0 {
		keys, _ = filepath.Glob(filepath.Join(d.s.Data, "ssh_host_*_key"))
	}
	secret := filepath.Join(d.s.Data, "secret.key")
	if _, err := os.Stat(secret); err == nil {
		keys = append(keys, secret)
	}
	if len(keys) == 0 {
		r.Detail = "none yet: gitd makes them in the data dir at first start"
		return r
	}
	var bad, fixes []string
	for _, k := range keys {
		problem, fix := keyProblem(k)
		if problem != "" {
			bad, fixes = append(bad, problem), append(fixes, fix)
		}
	}
	if len(bad) > 0 {
		r.Status, r.Detail, r.Fix = Fail, strings.Join(bad, "; "), strings.Join(fixes, "\n")
		return r
	}
	r.Detail = fmt.Sprintf("%d key files, each 0600 or stricter and owned by uid %d", len(keys), os.Getuid())
	return r
}

func keyProblem(path string) (problem, fix string) {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Sprintf("%s: %v", path, err), "make it with ssh-keygen -t ed25519 -N '' -f " + path + ", or unset --host-key"
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		after := " (and, if others did read it, make a new one: clients will see a new host key)"
		if filepath.Base(path) == "secret.key" {
			// It seals the config vars: a new one reads none of them.
			after = " (never replace it: the stored config vars are sealed with it; if others read it, " +
				"set every app's secret vars again, e.g. rotate the bot tokens)"
		}
		return fmt.Sprintf("%s is %#o: others can read the private key", path, perm), "chmod 600 " + path + after
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Sprintf("%s belongs to uid %d, not gitd's uid %d", path, st.Uid, os.Getuid()),
			fmt.Sprintf("chown %d %s", os.Getuid(), path)
	}
	return "", ""
}
