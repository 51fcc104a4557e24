package main

// pushbench ops: what a bot host does once bots run, against gitd with
// GITD_RUNTIME=docker, each number next to its limit measured in the same
// run, on the same machine:
//
//   - `logs -f` latency: a tiny bot prints "ping <n> <unix-nanos>" every
//     200 ms; the client follows `ssh gitd logs APP -f -n 1 -t` and takes
//     latency = the moment it reads the line − the nanos in it (same host,
//     same clock). Next to it, on the same container and the same lines,
//     `docker logs -f -t --tail 0`: the engine's own follow, which gitd's
//     collector is a client of. -t adds the engine's timestamp (when it read
//     the line off the container's stdout), which splits each latency into
//     container → engine and engine → client.
//   - `ssh gitd status APP` against `ssh host true` on OpenSSH sshd (and
//     `ssh gitd version`, a command that asks nothing of the engine, and the
//     engine calls status makes, timed from here), runs interleaved.
//   - gitd's VmRSS and VmHWM with no bots, one, and 50 running bots that the
//     supervisor watches and the collector follows (the tiny bot, pushed to
//     50 apps; builds after the first come from the cache).
//
// The latency and status measurements run twice: with one bot running and
// with all 50 (then 250 log lines a second flow through gitd).

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/botrunner/botrunner/runtime/docker"
)

// opsBot is the whole bot: a line every interval, with a sequence number
// and the wall clock in nanoseconds. SIGTERM ends it at once (as PID 1 in
// its container, Python would otherwise ignore it until the stop grace).
const opsBot = `import signal
import sys
import time

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
INTERVAL = %g
n = 0
while True:
    n += 1
    print(f"ping {n} {time.time_ns()}", flush=True)
    time.sleep(INTERVAL)
`

type opsBench struct {
	work, gitdAddr, sshdAddr, sshdUser, prefix string
	gitdPID                                    int
	sshBase                                    []string // ssh and its options, no destination
	drv                                        *docker.Driver
	repo                                       string
}

// opsFlags is ops's command line.
type opsFlags struct {
	work, key, gitdAddr, sshdAddr, sshdUser, prefix       string
	gitdPID, apps, lines, warmLines, statusRuns, parallel int
	interval, settle, window                              time.Duration
}

func parseOpsFlags(args []string) (opsFlags, error) {
	var f opsFlags
	fs := flag.NewFlagSet("ops", flag.ContinueOnError)
	fs.StringVar(&f.work, "work", "", "scratch directory (the bot's repo, logs)")
	fs.StringVar(&f.key, "key", "", "client private key (an admin of gitd, authorized on sshd)")
	fs.StringVar(&f.gitdAddr, "gitd-addr", "", "gitd's host:port (GITD_RUNTIME=docker)")
	fs.IntVar(&f.gitdPID, "gitd-pid", 0, "gitd's pid (its memory is read from /proc)")
	fs.StringVar(&f.sshdAddr, "sshd-addr", "", "the benchmark sshd's host:port")
	fs.StringVar(&f.sshdUser, "sshd-user", "root", "user `ssh host true` logs in as on sshd")
	fs.StringVar(&f.prefix, "prefix", "", "app name prefix, unique to this run (apps PREFIX-01 … PREFIX-NN)")
	fs.IntVar(&f.apps, "apps", 50, "bots to run for the memory measurement")
	fs.IntVar(&f.lines, "lines", 200, "measured log lines per follow")
	fs.IntVar(&f.warmLines, "warm-lines", 5, "log lines dropped at the start of each follow")
	fs.DurationVar(&f.interval, "interval", 200*time.Millisecond, "how often the bot prints")
	fs.IntVar(&f.statusRuns, "status-runs", 30, "runs of each command in the command latency comparison")
	fs.IntVar(&f.parallel, "parallel", 4, "pushes at a time when deploying the apps after the first")
	fs.DurationVar(&f.settle, "settle", 10*time.Second, "wait after the last deploy before sampling memory")
	fs.DurationVar(&f.window, "sample", 15*time.Second, "memory sampling window")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if err := requireFlags("ops", map[string]string{"-work": f.work, "-key": f.key, "-gitd-addr": f.gitdAddr,
		"-sshd-addr": f.sshdAddr, "-prefix": f.prefix}); err != nil {
		return f, err
	}
	if f.gitdPID <= 0 || f.apps < 1 || f.apps > 99 || f.lines < 1 || f.statusRuns < 1 || f.parallel < 1 || f.interval <= 0 {
		return f, fmt.Errorf("ops: want -gitd-pid > 0, 1 ≤ -apps ≤ 99, -lines ≥ 1, -status-runs ≥ 1, -parallel ≥ 1, -interval > 0")
	}
	if len(f.prefix) > 37 {
		return f, fmt.Errorf("ops: -prefix %q is too long for app names", f.prefix)
	}
	return f, nil
}

func opsMain(args []string) error {
	f, err := parseOpsFlags(args)
	if err != nil {
		return err
	}
	cli, err := docker.NewClient()
	if err != nil {
		return err
	}
	defer cli.Close()
	b := &opsBench{
		work: f.work, gitdAddr: f.gitdAddr, sshdAddr: f.sshdAddr, sshdUser: f.sshdUser, prefix: f.prefix,
		gitdPID: f.gitdPID, drv: docker.New(cli, nil), repo: filepath.Join(f.work, "bot"),
		sshBase: sshClient(f.key),
	}
	if err := mkdirs(f.work, "logs"); err != nil {
		return err
	}
	if err := b.writeRepo(f.interval); err != nil {
		return err
	}
	names := make([]string, f.apps)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%02d", f.prefix, i+1)
	}

	fmt.Printf("ops benchmark: gitd at %s (pid %d) vs OpenSSH sshd at %s; bot prints every %s; %d apps %s … %s\n",
		f.gitdAddr, f.gitdPID, f.sshdAddr, f.interval, f.apps, names[0], names[len(names)-1])
	fmt.Printf("load average at the start: %s (%d cores; other tenants of the machine and engine count too)\n\n",
		loadAvg(), runtime.NumCPU())
	r := &opsRun{b: b, f: f, names: names}
	return r.run()
}

// writeRepo makes the bot's repository: bot.py alone (simple strategy).
func (b *opsBench) writeRepo(interval time.Duration) error {
	if err := os.MkdirAll(b.repo, 0o755); err != nil {
		return err
	}
	src := fmt.Sprintf(opsBot, interval.Seconds())
	if err := os.WriteFile(filepath.Join(b.repo, "bot.py"), []byte(src), 0o644); err != nil {
		return err
	}
	g := &gitRepo{dir: b.repo}
	if err := g.run("init", "-q", "-b", "main"); err != nil {
		return err
	}
	return g.commitAll("ping bot", 0)
}

// sshCmd is the ssh client running args on host:port as user.
func (b *opsBench) sshCmd(addr, user string, args ...string) *exec.Cmd {
	return sshTo(b.sshBase, addr, user, args...)
}

func (b *opsBench) push(app string) ([]byte, error) {
	cmd := pushCmd(b.repo, gitdURL(b.gitdAddr, app), strings.Join(b.sshBase, " "))
	out, err := cmd.CombinedOutput()
	_ = os.WriteFile(filepath.Join(b.work, "logs", app+".push.log"), out, 0o644)
	return out, err
}
