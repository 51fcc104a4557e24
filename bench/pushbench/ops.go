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
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	brt "github.com/botrunner/botrunner/runtime"
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

func opsMain(args []string) error {
	fs := flag.NewFlagSet("ops", flag.ContinueOnError)
	work := fs.String("work", "", "scratch directory (the bot's repo, logs)")
	key := fs.String("key", "", "client private key (an admin of gitd, authorized on sshd)")
	gitdAddr := fs.String("gitd-addr", "", "gitd's host:port (GITD_RUNTIME=docker)")
	gitdPID := fs.Int("gitd-pid", 0, "gitd's pid (its memory is read from /proc)")
	sshdAddr := fs.String("sshd-addr", "", "the benchmark sshd's host:port")
	sshdUser := fs.String("sshd-user", "root", "user `ssh host true` logs in as on sshd")
	prefix := fs.String("prefix", "", "app name prefix, unique to this run (apps PREFIX-01 … PREFIX-NN)")
	apps := fs.Int("apps", 50, "bots to run for the memory measurement")
	lines := fs.Int("lines", 200, "measured log lines per follow")
	warmLines := fs.Int("warm-lines", 5, "log lines dropped at the start of each follow")
	interval := fs.Duration("interval", 200*time.Millisecond, "how often the bot prints")
	statusRuns := fs.Int("status-runs", 30, "runs of each command in the command latency comparison")
	parallel := fs.Int("parallel", 4, "pushes at a time when deploying the apps after the first")
	settle := fs.Duration("settle", 10*time.Second, "wait after the last deploy before sampling memory")
	window := fs.Duration("sample", 15*time.Second, "memory sampling window")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for name, v := range map[string]string{"-work": *work, "-key": *key, "-gitd-addr": *gitdAddr,
		"-sshd-addr": *sshdAddr, "-prefix": *prefix} {
		if v == "" {
			return fmt.Errorf("ops: %s is required", name)
		}
	}
	if *gitdPID <= 0 || *apps < 1 || *apps > 99 || *lines < 1 || *statusRuns < 1 || *parallel < 1 || *interval <= 0 {
		return fmt.Errorf("ops: want -gitd-pid > 0, 1 ≤ -apps ≤ 99, -lines ≥ 1, -status-runs ≥ 1, -parallel ≥ 1, -interval > 0")
	}
	if len(*prefix) > 37 {
		return fmt.Errorf("ops: -prefix %q is too long for app names", *prefix)
	}
	cli, err := docker.NewClient()
	if err != nil {
		return err
	}
	defer cli.Close()
	b := &opsBench{
		work: *work, gitdAddr: *gitdAddr, sshdAddr: *sshdAddr, sshdUser: *sshdUser, prefix: *prefix,
		gitdPID: *gitdPID, drv: docker.New(cli, nil), repo: filepath.Join(*work, "bot"),
		sshBase: []string{"ssh", "-F", "/dev/null", "-i", *key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
			"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"},
	}
	if err := os.MkdirAll(filepath.Join(*work, "logs"), 0o755); err != nil {
		return err
	}
	if err := b.writeRepo(*interval); err != nil {
		return err
	}
	names := make([]string, *apps)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%02d", *prefix, i+1)
	}

	fmt.Printf("ops benchmark: gitd at %s (pid %d) vs OpenSSH sshd at %s; bot prints every %s; %d apps %s … %s\n",
		*gitdAddr, *gitdPID, *sshdAddr, *interval, *apps, names[0], names[len(names)-1])
	fmt.Printf("load average at the start: %s (%d cores; other tenants of the machine and engine count too)\n\n",
		loadAvg(), runtime.NumCPU())

	begin := time.Now()
	mem := []memRow{b.memSnapshot("idle: started, no bots")}

	t0 := time.Now()
	if out, err := b.push(names[0]); err != nil {
		return fmt.Errorf("first push to %s: %v\n%s", names[0], err, out)
	}
	fmt.Printf("deployed %s (first build) in %.1fs\n", names[0], time.Since(t0).Seconds())
	cid, err := b.runningContainer(names[0])
	if err != nil {
		return err
	}
	// The collector attached during the start check; let the first lines pass.
	time.Sleep(2 * *interval)
	mem = append(mem, b.memSnapshot("1 bot running"))

	var latRes []latRow
	var cmdRes []cmdTable
	measure := func(phase string) error {
		fmt.Printf("\n[%s] following %s: %d lines (+%d dropped at the start), gitd and docker side by side …\n",
			phase, names[0], *lines, *warmLines)
		g, d, err := b.logsLatency(names[0], cid, *lines, *warmLines, *interval)
		if err != nil {
			return fmt.Errorf("%s: logs latency: %w", phase, err)
		}
		latRes = append(latRes, latRow{phase, "gitd  ssh logs -f -n 1 -t", g}, latRow{phase, "docker logs -f -t --tail 0", d})
		fmt.Printf("[%s] command latency: %d runs each, interleaved …\n", phase, *statusRuns)
		ct, err := b.commandLatency(names[0], *statusRuns)
		if err != nil {
			return fmt.Errorf("%s: command latency: %w", phase, err)
		}
		ct.phase = phase
		cmdRes = append(cmdRes, ct)
		return nil
	}
	if err := measure("1 bot"); err != nil {
		return err
	}

	fmt.Printf("\ndeploying %s … %s, %d at a time (same code: builds come from the cache)\n",
		names[1], names[len(names)-1], *parallel)
	walls, err := b.pushAll(names[1:], *parallel)
	if err != nil {
		return err
	}
	if len(walls) > 0 {
		s := slices.Sorted(slices.Values(walls))
		fmt.Printf("deployed %d apps: push wall median %.2fs (%.2f–%.2f)\n", len(s), median(s).Seconds(),
			s[0].Seconds(), s[len(s)-1].Seconds())
	}
	running, err := b.countRunning()
	if err != nil {
		return err
	}
	fmt.Printf("%d of %d bots running; settling %s, then sampling gitd for %s\n", running, *apps, *settle, *window)
	if running != *apps {
		return fmt.Errorf("ops: %d bots run, want %d", running, *apps)
	}
	time.Sleep(*settle)
	rowN, cpu, err := b.memWindow(fmt.Sprintf("%d bots, settled", running), *window)
	if err != nil {
		return err
	}
	mem = append(mem, rowN)
	if err := measure(fmt.Sprintf("%d bots", running)); err != nil {
		return err
	}
	if n, err := b.countRunning(); err == nil && n != running {
		fmt.Printf("note: %d bots running at the end, %d before\n", n, running)
	}

	fmt.Println()
	printLatency(latRes, *interval)
	fmt.Println()
	printCommands(cmdRes)
	fmt.Println()
	printMemory(mem, cpu, running)
	fmt.Printf("\nload average at the end: %s; ops measurements took %.0fs\n", loadAvg(), time.Since(begin).Seconds())
	return nil
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
	host, port, _ := strings.Cut(addr, ":")
	a := append(slices.Clone(b.sshBase[1:]), "-p", port, user+"@"+host)
	return exec.Command(b.sshBase[0], append(a, args...)...)
}

func (b *opsBench) push(app string) ([]byte, error) {
	cmd := exec.Command("git", "push", "--no-verify", fmt.Sprintf("ssh://git@%s/%s", b.gitdAddr, app), "HEAD:refs/heads/main")
	cmd.Dir = b.repo
	cmd.Env = append(gitEnv(), "GIT_SSH_COMMAND="+strings.Join(b.sshBase, " "))
	out, err := cmd.CombinedOutput()
	_ = os.WriteFile(filepath.Join(b.work, "logs", app+".push.log"), out, 0o644)
	return out, err
}

// pushAll deploys apps, parallel at a time, and returns each push's wall.
func (b *opsBench) pushAll(apps []string, parallel int) ([]time.Duration, error) {
	var (
		mu    sync.Mutex
		walls []time.Duration
		first error
		wg    sync.WaitGroup
	)
	next := make(chan string)
	start := time.Now()
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for app := range next {
				t := time.Now()
				out, err := b.push(app)
				mu.Lock()
				if err != nil && first == nil {
					first = fmt.Errorf("push to %s: %v\n%s", app, err, out)
				}
				if err == nil {
					walls = append(walls, time.Since(t))
					if n := len(walls); n%10 == 0 {
						fmt.Printf("  %d deployed, %.0fs\n", n, time.Since(start).Seconds())
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, app := range apps {
		mu.Lock()
		failed := first != nil
		mu.Unlock()
		if failed {
			break
		}
		next <- app
	}
	close(next)
	wg.Wait()
	return walls, first
}

// runningContainer is the ID of app's running container.
func (b *opsBench) runningContainer(app string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := b.drv.List(ctx, map[string]string{brt.LabelApp: app})
	if err != nil {
		return "", err
	}
	for _, c := range cs {
		if c.Running {
			return c.ID, nil
		}
	}
	return "", fmt.Errorf("ops: no running container of %s", app)
}

// countRunning counts this run's running bot containers.
func (b *opsBench) countRunning() (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cs, err := b.drv.List(ctx, map[string]string{brt.LabelApp: ""})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range cs {
		if c.Running && strings.HasPrefix(c.Labels[brt.LabelApp], b.prefix+"-") {
			n++
		}
	}
	return n, nil
}

// pingLine is one "ping <n> <nanos>" line as a follower read it.
type pingLine struct {
	seq         int
	sent, stamp time.Time // the bot's clock; the engine's (from -t)
	recv        time.Time // when the follower read it
}

// pingRe: "<stamp> [vN] ping <n> <nanos>" (gitd, -t) or "<stamp> ping <n> <nanos>" (docker -t).
var pingRe = regexp.MustCompile(`^(\S+) (?:\[v\d+\] )?ping (\d+) (\d+)\s*$`)

func parsePing(line string, recv time.Time) (pingLine, bool) {
	m := pingRe.FindStringSubmatch(line)
	if m == nil {
		return pingLine{}, false
	}
	stamp, err := time.Parse(time.RFC3339Nano, m[1])
	if err != nil {
		return pingLine{}, false
	}
	seq, err1 := strconv.Atoi(m[2])
	ns, err2 := strconv.ParseInt(m[3], 10, 64)
	if err1 != nil || err2 != nil {
		return pingLine{}, false
	}
	return pingLine{seq: seq, sent: time.Unix(0, ns), stamp: stamp, recv: recv}, true
}

// follower runs a follow command and keeps the ping lines it prints.
type follower struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	got  map[int]pingLine
	done chan struct{}
	err  error
}

func startFollower(name string, cmd *exec.Cmd) (*follower, error) {
	f := &follower{name: name, cmd: cmd, got: map[int]pingLine{}, done: make(chan struct{})}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	go func() {
		defer close(f.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			now := time.Now()
			if p, ok := parsePing(sc.Text(), now); ok {
				f.mu.Lock()
				f.got[p.seq] = p
				f.mu.Unlock()
			}
		}
		if err := cmd.Wait(); err != nil {
			f.err = fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(stderr.String()))
		}
	}()
	return f, nil
}

// minSeq is the lowest sequence number read, 0 if none yet.
func (f *follower) minSeq() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	lo := 0
	for s := range f.got {
		if lo == 0 || s < lo {
			lo = s
		}
	}
	return lo
}

func (f *follower) has(from, to int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := from; s < to; s++ {
		if _, ok := f.got[s]; !ok {
			return false
		}
	}
	return true
}

func (f *follower) stop() {
	_ = f.cmd.Process.Kill()
	<-f.done
}

// latSet is a follower's latencies over the measured lines.
type latSet struct {
	total, engine, deliver []time.Duration // recv−sent, stamp−sent, recv−stamp
	missing                int
}

// logsLatency follows app through gitd and its container through the
// engine, at the same time, and measures the same n lines on both, after
// dropping the first warm lines either read (and the backlog line -n 1 asks for).
func (b *opsBench) logsLatency(app, cid string, n, warm int, interval time.Duration) (latSet, latSet, error) {
	g, err := startFollower("gitd logs -f", b.sshCmd(b.gitdAddr, "git", "logs", app, "-f", "-n", "1", "-t"))
	if err != nil {
		return latSet{}, latSet{}, err
	}
	defer g.stop()
	d, err := startFollower("docker logs -f", exec.Command("docker", "logs", "-f", "-t", "--tail", "0", cid))
	if err != nil {
		return latSet{}, latSet{}, err
	}
	defer d.stop()
	deadline := time.Now().Add(time.Duration(n+warm+20)*interval*2 + 30*time.Second)
	from := 0
	for {
		select {
		case <-g.done:
			return latSet{}, latSet{}, fmt.Errorf("gitd's follow ended: %v", g.err)
		case <-d.done:
			return latSet{}, latSet{}, fmt.Errorf("docker's follow ended: %v", d.err)
		case <-time.After(interval / 2):
		}
		if time.Now().After(deadline) {
			return latSet{}, latSet{}, fmt.Errorf("not %d lines from both followers in time (from line %d)", n, from)
		}
		if from == 0 {
			gs, ds := g.minSeq(), d.minSeq()
			if gs == 0 || ds == 0 {
				continue
			}
			// -n 1 hands gitd's follower one old line first: skip it (and
			// anything either side read before both were live).
			from = max(gs+1, ds) + warm
		}
		if g.has(from, from+n) && d.has(from, from+n) {
			break
		}
	}
	collect := func(f *follower) latSet {
		var s latSet
		f.mu.Lock()
		defer f.mu.Unlock()
		for seq := from; seq < from+n; seq++ {
			p := f.got[seq]
			s.total = append(s.total, p.recv.Sub(p.sent))
			s.engine = append(s.engine, p.stamp.Sub(p.sent))
			s.deliver = append(s.deliver, p.recv.Sub(p.stamp))
		}
		return s
	}
	return collect(g), collect(d), nil
}

// cmdTable is one round of the command latency comparison.
type cmdTable struct {
	phase string
	names []string
	walls map[string][]time.Duration
}

// commandLatency runs `ssh sshd true`, `ssh gitd version`, `ssh gitd status
// APP` and the engine calls status makes, runs times each, round-robin.
func (b *opsBench) commandLatency(app string, runs int) (cmdTable, error) {
	t := cmdTable{walls: map[string][]time.Duration{}}
	type probe struct {
		name string
		run  func() error
	}
	sshRun := func(addr, user string, args ...string) func() error {
		return func() error {
			out, err := b.sshCmd(addr, user, args...).CombinedOutput()
			if err != nil {
				return fmt.Errorf("ssh %s: %v: %s", strings.Join(args, " "), err, out)
			}
			return nil
		}
	}
	probes := []probe{
		{"OpenSSH  ssh host true", sshRun(b.sshdAddr, b.sshdUser, "true")},
		{"gitd     ssh version", sshRun(b.gitdAddr, "git", "version")},
		{"gitd     ssh status APP", sshRun(b.gitdAddr, "git", "status", app)},
		{"engine   List(app) [status's engine calls]", func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err := b.drv.List(ctx, map[string]string{brt.LabelApp: app})
			return err
		}},
	}
	for _, p := range probes {
		t.names = append(t.names, p.name)
		if err := p.run(); err != nil { // one unmeasured run each: page cache, first connections
			return t, err
		}
	}
	for i := range runs {
		// Rotate who goes first, so no probe always follows the same one.
		for j := range probes {
			p := probes[(i+j)%len(probes)]
			start := time.Now()
			if err := p.run(); err != nil {
				return t, err
			}
			t.walls[p.name] = append(t.walls[p.name], time.Since(start))
		}
	}
	return t, nil
}

// memRow is gitd's memory at one point (or over a window).
type memRow struct {
	label          string
	rssKiB, hwmKiB int64
	rssLo, rssHi   int64 // window only: min and max VmRSS sampled
	lifeHWMKiB     int64 // window only: VmHWM since gitd started, before the window reset it
	threads, fds   int
	samples        int
	window         bool
}

func (b *opsBench) memSnapshot(label string) memRow {
	r := memRow{label: label}
	r.rssKiB, _ = statusKiB(b.gitdPID, "VmRSS")
	r.hwmKiB, _ = statusKiB(b.gitdPID, "VmHWM")
	r.threads, r.fds = b.threadsFDs()
	return r
}

func (b *opsBench) threadsFDs() (threads, fds int) {
	if n, err := statusKiB(b.gitdPID, "Threads"); err == nil { // a plain number: " kB" is only trimmed
		threads = int(n)
	}
	if ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", b.gitdPID)); err == nil {
		fds = len(ents)
	}
	return threads, fds
}

// cpuUse is gitd's CPU time over the memory window.
type cpuUse struct {
	seconds, wall float64
}

// memWindow samples VmRSS every 500 ms for window, after resetting VmHWM
// (so the VmHWM read at the end is the window's peak), and gitd's CPU time.
func (b *opsBench) memWindow(label string, window time.Duration) (memRow, cpuUse, error) {
	r := memRow{label: label, window: true}
	var err error
	if r.lifeHWMKiB, err = statusKiB(b.gitdPID, "VmHWM"); err != nil {
		return r, cpuUse{}, err
	}
	if err := resetHWM(b.gitdPID); err != nil {
		return r, cpuUse{}, fmt.Errorf("reset VmHWM: %w", err)
	}
	st0, err := readStat(b.gitdPID)
	if err != nil {
		return r, cpuUse{}, err
	}
	t0 := time.Now()
	var rss []int64
	for time.Since(t0) < window {
		if kib, err := statusKiB(b.gitdPID, "VmRSS"); err == nil {
			rss = append(rss, kib)
		}
		time.Sleep(500 * time.Millisecond)
	}
	st1, err := readStat(b.gitdPID)
	if err != nil {
		return r, cpuUse{}, err
	}
	wall := time.Since(t0).Seconds()
	if r.hwmKiB, err = statusKiB(b.gitdPID, "VmHWM"); err != nil {
		return r, cpuUse{}, err
	}
	slices.Sort(rss)
	r.samples = len(rss)
	if len(rss) > 0 {
		r.rssKiB, r.rssLo, r.rssHi = rss[len(rss)/2], rss[0], rss[len(rss)-1]
	}
	r.threads, r.fds = b.threadsFDs()
	ticks := float64(st1.UTime + st1.STime - st0.UTime - st0.STime)
	return r, cpuUse{seconds: ticks / clockTicks(), wall: wall}, nil
}

// pct is the nearest-rank percentile p (0 < p ≤ 1) of sorted.
func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/1e6) }

// latRow is one follower's result in one phase.
type latRow struct {
	phase, who string
	s          latSet
}

func printLatency(rows []latRow, interval time.Duration) {
	fmt.Printf("logs -f latency, ms: bot prints \"ping <n> <unix-nanos>\" every %s; latency = follower reads the line − nanos\n", interval)
	fmt.Printf("%-8s %-28s %5s %7s %7s %7s %7s %7s   %s\n", "bots", "follower", "lines", "min", "median", "p90", "p99", "max",
		"median split: container→engine + engine→client")
	med := map[string]time.Duration{}
	p99 := map[string]time.Duration{}
	for _, r := range rows {
		t := slices.Sorted(slices.Values(r.s.total))
		e := slices.Sorted(slices.Values(r.s.engine))
		d := slices.Sorted(slices.Values(r.s.deliver))
		fmt.Printf("%-8s %-28s %5d %7s %7s %7s %7s %7s   %s + %s\n", r.phase, r.who, len(t), ms(t[0]), ms(median(t)),
			ms(pct(t, 0.90)), ms(pct(t, 0.99)), ms(t[len(t)-1]), ms(median(e)), ms(median(d)))
		med[r.phase+r.who[:4]] = median(t)
		p99[r.phase+r.who[:4]] = pct(t, 0.99)
	}
	var phases []string
	for _, r := range rows {
		if !slices.Contains(phases, r.phase) {
			phases = append(phases, r.phase)
		}
	}
	for _, ph := range phases {
		g, d := med[ph+"gitd"], med[ph+"dock"]
		fmt.Printf("%-8s gitd − docker: median %+.1f ms, p99 %+.1f ms (gitd/docker median %.2f×)\n", ph,
			float64(g-d)/1e6, float64(p99[ph+"gitd"]-p99[ph+"dock"])/1e6, float64(g)/float64(d))
	}
	fmt.Printf("both followers read the same lines of the same container at the same time. container→engine: the engine's\n" +
		"  timestamp (-t) − the bot's clock; engine→client: the rest (the engine's json-file follow; for gitd also its\n" +
		"  collector, logstore append and follower wake-up, the SSH session and the ssh client).\n")
}

func printCommands(ts []cmdTable) {
	fmt.Printf("command latency, ms (wall of the client command; interleaved round-robin)\n")
	fmt.Printf("%-8s %-44s %4s %7s %7s %7s %7s   %s\n", "bots", "command", "runs", "min", "median", "p90", "max", "/ OpenSSH true (median)")
	for _, t := range ts {
		base := time.Duration(0)
		for _, name := range t.names {
			w := slices.Sorted(slices.Values(t.walls[name]))
			m := median(w)
			if base == 0 {
				base = m
			}
			fmt.Printf("%-8s %-44s %4d %7s %7s %7s %7s   %.2f×\n", t.phase, name, len(w), ms(w[0]), ms(m),
				ms(pct(w, 0.90)), ms(w[len(w)-1]), float64(m)/float64(base))
		}
	}
	fmt.Printf("all ssh runs: the same client, key and options, a new connection each (key exchange curve25519 on both servers).\n" +
		"  `version` asks gitd for nothing but its version: gitd's SSH + auth + routing. status adds the store read and\n" +
		"  the engine calls (ContainerList by label, ContainerInspect per container), timed alone on the last row.\n")
}

func printMemory(rows []memRow, cpu cpuUse, bots int) {
	fmt.Printf("gitd memory (/proc/PID/status)\n")
	fmt.Printf("%-24s %10s %10s %8s %5s   %s\n", "", "VmRSS MiB", "VmHWM MiB", "threads", "fds", "")
	var one, n memRow
	for _, r := range rows {
		note := ""
		if r.window {
			note = fmt.Sprintf("RSS: median of %d samples (%.1f–%.1f); HWM: the window's peak (reset at its start); before the window VmHWM was %.1f MiB (gitd's peak through the %d pushes)",
				r.samples, kib(r.rssLo), kib(r.rssHi), kib(r.lifeHWMKiB), bots)
			n = r
		} else if strings.HasPrefix(r.label, "1 bot") {
			one = r
		}
		fmt.Printf("%-24s %10.1f %10.1f %8d %5d   %s\n", r.label, kib(r.rssKiB), kib(r.hwmKiB), r.threads, r.fds, note)
	}
	if one.rssKiB > 0 && n.rssKiB > 0 && bots > 1 {
		fmt.Printf("per extra bot: %+.0f KiB VmRSS, %+.1f fds ((%d bots − 1 bot) / %d)\n",
			float64(n.rssKiB-one.rssKiB)/float64(bots-1), float64(n.fds-one.fds)/float64(bots-1), bots, bots-1)
	}
	if cpu.wall > 0 {
		fmt.Printf("gitd CPU over the window: %.2fs in %.1fs = %.1f%% of one core (%d bots' output collected, supervisor watching)\n",
			cpu.seconds, cpu.wall, 100*cpu.seconds/cpu.wall, bots)
	}
}

func kib(k int64) float64 { return float64(k) / 1024 }
