package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is one side of the comparison: how to make a fresh target, where
// to push, and how to read its CPU time and memory.
type server struct {
	name string
	pid  int
	// prepare makes a fresh, empty target and returns its push URL and a
	// way to read the pushed ref back.
	prepare func(repo, tag string) (url string, head func() (string, error), err error)
	// cpuTicks is the server's CPU time so far, in clock ticks.
	cpuTicks func() (int64, error)
	// pids are the processes whose RSS is summed while a push runs.
	pids func() []int
	// settle waits, after the client is done, until the push's CPU time is
	// all accounted.
	settle func() error
	// hwm: reset VmHWM before each push and read it after (gitd: one process).
	hwm bool
}

// push is one measured push.
type push struct {
	Wall    time.Duration
	CPU     float64 // seconds
	PeakKiB int64
	Samples int
}

// result is every measured push of one repo to one server.
type result struct {
	Repo, Server string
	Pushes       []push
}

func runMain(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	src := fs.String("src", "", "directory holding the generated repos (pushbench gen -out)")
	work := fs.String("work", "", "scratch directory for the OpenSSH targets")
	key := fs.String("key", "", "client private key (authorized on both servers)")
	gitdPID := fs.Int("gitd-pid", 0, "gitd's pid")
	gitdAddr := fs.String("gitd-addr", "", "gitd's host:port")
	gitdRepos := fs.String("gitd-repos", "", "gitd's <data>/repos, to check what was stored")
	sshdPID := fs.Int("sshd-pid", 0, "the benchmark sshd's pid")
	sshdAddr := fs.String("sshd-addr", "", "the benchmark sshd's host:port")
	sshUser := fs.String("sshd-user", "root", "user the OpenSSH pushes log in as")
	runsFlag := fs.String("runs", "small=5,many=5,big=3", "measured pushes per repo and server")
	warmup := fs.Int("warmup", 1, "unmeasured pushes per repo and server before the measured ones")
	every := fs.Duration("interval", 20*time.Millisecond, "RSS sampling interval")
	precreate := fs.Bool("gitd-precreate", false, "create each gitd app with `apps:create` before its push (not timed), as the OpenSSH targets are; default: the timed first push creates it")
	osshConfig := fs.String("openssh-git-config", "", "git config for each OpenSSH target, e.g. receive.unpackLimit=1 (default: git's defaults)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for name, v := range map[string]string{"-src": *src, "-work": *work, "-key": *key,
		"-gitd-addr": *gitdAddr, "-gitd-repos": *gitdRepos, "-sshd-addr": *sshdAddr} {
		if v == "" {
			return fmt.Errorf("run: %s is required", name)
		}
	}
	if *gitdPID <= 0 || *sshdPID <= 0 {
		return fmt.Errorf("run: -gitd-pid and -sshd-pid are required")
	}
	runs, err := parseRuns(*runsFlag)
	if err != nil {
		return err
	}
	var targetConfig [][2]string
	for _, kv := range strings.Split(*osshConfig, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("-openssh-git-config: want key=value[,key=value], got %q", *osshConfig)
		}
		targetConfig = append(targetConfig, [2]string{k, v})
	}
	hz := clockTicks()
	sshCmd := fmt.Sprintf("ssh -F /dev/null -i %s -o IdentitiesOnly=yes -o BatchMode=yes "+
		"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR", *key)

	gitd := &server{
		name: "gitd", pid: *gitdPID, hwm: true,
		prepare: func(repo, tag string) (string, func() (string, error), error) {
			app := fmt.Sprintf("bench-%s-%s", repo, tag) // a new app: the first push creates it
			dir := filepath.Join(*gitdRepos, app+".git")
			if *precreate {
				host, port, _ := strings.Cut(*gitdAddr, ":")
				args := append(strings.Fields(sshCmd)[1:], "-p", port, "git@"+host, "apps:create", app)
				if out, err := exec.Command("ssh", args...).CombinedOutput(); err != nil {
					return "", nil, fmt.Errorf("apps:create %s: %v: %s", app, err, out)
				}
			}
			return fmt.Sprintf("ssh://git@%s/%s", *gitdAddr, app), func() (string, error) { return refOf(dir) }, nil
		},
		cpuTicks: func() (int64, error) {
			st, err := readStat(*gitdPID)
			return st.UTime + st.STime, err
		},
		pids:   func() []int { return append([]int{*gitdPID}, descendants(*gitdPID)...) },
		settle: func() error { return nil },
	}
	openssh := &server{
		name: "OpenSSH", pid: *sshdPID,
		prepare: func(repo, tag string) (string, func() (string, error), error) {
			dir := filepath.Join(*work, "openssh", repo+"-"+tag+".git")
			if out, err := exec.Command("git", "init", "-q", "--bare", dir).CombinedOutput(); err != nil {
				return "", nil, fmt.Errorf("git init --bare: %v: %s", err, out)
			}
			for _, kv := range targetConfig {
				if out, err := exec.Command("git", "--git-dir", dir, "config", kv[0], kv[1]).CombinedOutput(); err != nil {
					return "", nil, fmt.Errorf("git config %s: %v: %s", kv[0], err, out)
				}
			}
			return fmt.Sprintf("ssh://%s@%s%s", *sshUser, *sshdAddr, dir), func() (string, error) { return refOf(dir) }, nil
		},
		// The session processes (sshd children, the shell, git-receive-pack,
		// index-pack/unpack-objects) are reaped by the time settle returns,
		// so their CPU time is in the listener's cutime+cstime.
		cpuTicks: func() (int64, error) {
			st, err := readStat(*sshdPID)
			return st.CUTime + st.CSTime, err
		},
		pids:   func() []int { return descendants(*sshdPID) },
		settle: func() error { return waitNoDescendants(*sshdPID, 10*time.Second) },
	}
	servers := []*server{gitd, openssh}

	load0 := loadAvg()
	idle, _ := statusKiB(*gitdPID, "VmRSS")
	hwmOK := resetHWM(*gitdPID) == nil
	if !hwmOK {
		gitd.hwm = false
	}
	fmt.Printf("gitd pid %d (idle RSS %.1f MiB), sshd pid %d; %d warm-up + measured pushes per repo and server: %s; RSS sampled every %s\n",
		*gitdPID, float64(idle)/1024, *sshdPID, *warmup, *runsFlag, *every)
	if *precreate {
		fmt.Printf("gitd apps: created with apps:create before each push (not timed)\n")
	} else {
		fmt.Printf("gitd apps: created by the timed first push (OpenSSH targets are made before it, untimed)\n")
	}
	if len(targetConfig) > 0 {
		fmt.Printf("OpenSSH targets configured with: %s\n", *osshConfig)
	} else {
		fmt.Printf("OpenSSH targets: fresh `git init --bare`, git's defaults (receive.unpackLimit=100: pushes of < 100 objects are unpacked to loose objects)\n")
	}
	fmt.Println()

	var results []result
	for _, repo := range repoNames {
		n := runs[repo]
		if n == 0 {
			continue
		}
		dir := filepath.Join(*src, repo)
		want, err := refOf(filepath.Join(dir, ".git"))
		if err != nil {
			return err
		}
		info, err := describe(dir)
		if err != nil {
			return err
		}
		fmt.Printf("%s: %s\n", repo, info)
		bySrv := map[string]*result{}
		for _, s := range servers {
			bySrv[s.name] = &result{Repo: repo, Server: s.name}
		}
		for i := -*warmup; i < n; i++ {
			tag := strconv.Itoa(i + 1)
			if i < 0 {
				tag = "w" + strconv.Itoa(-i)
			}
			// Alternate who goes first, so neither always pushes into the
			// other's leftovers (page cache, writeback).
			order := servers
			if i%2 != 0 {
				order = []*server{openssh, gitd}
			}
			for _, s := range order {
				p, err := measure(s, dir, repo, tag, want, sshCmd, hz, *every)
				if err != nil {
					return fmt.Errorf("%s push %s to %s: %w", repo, tag, s.name, err)
				}
				label := "run " + tag
				if i < 0 {
					label = "warm-up"
				} else {
					bySrv[s.name].Pushes = append(bySrv[s.name].Pushes, p)
				}
				fmt.Printf("  %-8s %-7s wall %7.3fs  cpu %6.3fs  peak RSS %7.1f MiB (%d samples)\n",
					label, s.name, p.Wall.Seconds(), p.CPU, float64(p.PeakKiB)/1024, p.Samples)
			}
		}
		// One full fsck of what each server stored (not timed).
		for _, s := range servers {
			if err := fsckTarget(s, *gitdRepos, *work, repo); err != nil {
				return err
			}
		}
		results = append(results, *bySrv["gitd"], *bySrv["OpenSSH"])
	}
	fmt.Println()
	printTable(os.Stdout, results, hwmOK, *every)
	fmt.Printf("load average: %s at the start, %s at the end (%d cores)\n", load0, loadAvg(), runtime.NumCPU())
	for _, r := range results {
		if s := summarize(r.Pushes); s.Min > 0 && s.Max > 2*s.Min {
			fmt.Printf("warning: %s to %s: walls from %.3fs to %.3fs; the machine was busy (disk or CPU), so take the ratios with salt and rerun\n",
				r.Repo, r.Server, s.Min.Seconds(), s.Max.Seconds())
		}
	}
	if rss, err := statusKiB(*gitdPID, "VmRSS"); err == nil {
		fmt.Printf("gitd RSS after all pushes: %.1f MiB (idle at start: %.1f MiB)\n", float64(rss)/1024, float64(idle)/1024)
	}
	return nil
}

// measure makes a fresh target on s and times one full push of dir to it.
func measure(s *server, dir, repo, tag, want, sshCmd string, hz float64, every time.Duration) (push, error) {
	url, head, err := s.prepare(repo, tag)
	if err != nil {
		return push{}, err
	}
	// Flush earlier pushes' dirty pages first, so no push pays for another's
	// writeback (a big push leaves ~100 MiB of it).
	syscall.Sync()
	if s.hwm {
		if err := resetHWM(s.pid); err != nil {
			return push{}, err
		}
	}
	cpu0, err := s.cpuTicks()
	if err != nil {
		return push{}, err
	}
	cmd := exec.Command("git", "push", "--quiet", "--no-verify", url, "HEAD:refs/heads/main")
	cmd.Dir = dir
	cmd.Env = append(gitEnv(), "GIT_SSH_COMMAND="+sshCmd)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	sampler := sampleRSS(every, s.pids)
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	peak, samples := sampler.finish()
	if err != nil {
		return push{}, fmt.Errorf("git push: %v\n%s", err, stderr.String())
	}
	if err := s.settle(); err != nil {
		return push{}, err
	}
	cpu1, err := s.cpuTicks()
	if err != nil {
		return push{}, err
	}
	if s.hwm {
		if hwm, err := statusKiB(s.pid, "VmHWM"); err == nil && hwm > peak {
			peak = hwm
		}
	}
	got, err := head()
	if err != nil {
		return push{}, fmt.Errorf("read pushed ref: %w", err)
	}
	if got != want {
		return push{}, fmt.Errorf("pushed ref is %s, want %s", got, want)
	}
	return push{Wall: wall, CPU: float64(cpu1-cpu0) / hz, PeakKiB: peak, Samples: samples}, nil
}

// refOf reads refs/heads/main of a (bare) repo with git itself.
func refOf(gitDir string) (string, error) {
	out, err := exec.Command("git", "--git-dir", gitDir, "rev-parse", "--verify", "-q", "refs/heads/main").Output()
	if err != nil {
		return "", fmt.Errorf("%s: no refs/heads/main", gitDir)
	}
	return strings.TrimSpace(string(out)), nil
}

// fsckTarget runs git fsck on the first measured target of repo on s.
func fsckTarget(s *server, gitdRepos, work, repo string) error {
	dir := filepath.Join(work, "openssh", repo+"-1.git")
	if s.name == "gitd" {
		dir = filepath.Join(gitdRepos, "bench-"+repo+"-1.git")
	}
	out, err := exec.Command("git", "--git-dir", dir, "fsck", "--no-dangling", "--no-progress").CombinedOutput()
	if err != nil {
		return fmt.Errorf("git fsck %s (%s): %v\n%s", repo, s.name, err, out)
	}
	return nil
}

func parseRuns(s string) (map[string]int, error) {
	m := map[string]int{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || !contains(repoNames, k) {
			return nil, fmt.Errorf("-runs: want e.g. small=5,many=5,big=3, got %q", s)
		}
		m[k] = n
	}
	return m, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// summary of one result row.
type summary struct {
	Median, Min, Max time.Duration
	CPU              float64 // mean seconds per push
	PeakMiB          float64 // max over the pushes
}

func summarize(ps []push) summary {
	var s summary
	if len(ps) == 0 {
		return s
	}
	walls := make([]time.Duration, len(ps))
	var cpu float64
	var peak int64
	for i, p := range ps {
		walls[i] = p.Wall
		cpu += p.CPU
		peak = max(peak, p.PeakKiB)
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	s.Median = median(walls)
	s.Min, s.Max = walls[0], walls[len(walls)-1]
	s.CPU = cpu / float64(len(ps))
	s.PeakMiB = float64(peak) / 1024
	return s
}

// median of sorted durations; the mean of the middle two for an even count.
func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// goals from the issue, printed for context; nothing fails on them.
var wallGoal = map[string]float64{"small": 0.9, "many": 0.9, "big": 1.0}

const bigRSSGoalMiB = 64

func printTable(w *os.File, results []result, hwmOK bool, every time.Duration) {
	fmt.Fprintf(w, "%-6s %-8s %4s  %9s  %-17s %10s  %12s  %10s  %9s  %s\n",
		"repo", "server", "runs", "wall med", "(min–max)", "CPU s/push", "peak RSS MiB", "wall ratio", "CPU ratio", "goal (wall ratio)")
	byKey := map[string]summary{}
	for _, r := range results {
		byKey[r.Repo+"/"+r.Server] = summarize(r.Pushes)
	}
	for _, r := range results {
		s := byKey[r.Repo+"/"+r.Server]
		ratio, cpuRatio, goal := "", "", ""
		if r.Server == "gitd" {
			o := byKey[r.Repo+"/OpenSSH"]
			wr := s.Median.Seconds() / o.Median.Seconds()
			ratio = fmt.Sprintf("%.2f", wr)
			if o.CPU > 0 {
				cpuRatio = fmt.Sprintf("%.2f", s.CPU/o.CPU)
			}
			g := wallGoal[r.Repo]
			goal = fmt.Sprintf("≤ %.1f  %s", g, metWord(wr <= g))
		}
		fmt.Fprintf(w, "%-6s %-8s %4d  %8.3fs  (%.3f–%.3f)   %10.3f  %12.1f  %10s  %9s  %s\n",
			r.Repo, r.Server, len(r.Pushes), s.Median.Seconds(), s.Min.Seconds(), s.Max.Seconds(),
			s.CPU, s.PeakMiB, ratio, cpuRatio, goal)
	}
	if s, ok := byKey["big/gitd"]; ok {
		fmt.Fprintf(w, "\ngitd peak RSS during the big push: %.1f MiB (goal ≤ %d MiB: %s)\n",
			s.PeakMiB, bigRSSGoalMiB, metWord(s.PeakMiB <= bigRSSGoalMiB))
	}
	fmt.Fprintf(w, "\nratios are gitd/OpenSSH from this run (wall: medians; CPU: means). Goals: wall ratio ≤ 0.9 small and many, ≤ 1.0 big;\n"+
		"gitd peak RSS ≤ 64 MiB during the big push. They are context only: nothing here fails on a number.\n")
	hwm := "VmHWM, reset through /proc/PID/clear_refs before each push, and VmRSS sampled every " + every.String()
	if !hwmOK {
		hwm = "VmRSS sampled every " + every.String() + " (clear_refs not writable, so no VmHWM)"
	}
	fmt.Fprintf(w, "wall: `git push` of the whole repo into a fresh target, client included (ssh handshake, pack-objects reusing the packed source);\n"+
		"  sync(2) before each push, not timed.\n"+
		"CPU: gitd utime+stime deltas; OpenSSH: cutime+cstime deltas of the listening sshd once the push's processes are reaped\n"+
		"  (sshd session processes + git-receive-pack + index-pack/unpack-objects).\n"+
		"peak RSS: gitd: largest of %s;\n"+
		"  OpenSSH: largest sum of VmRSS over all processes under the listening sshd, sampled every %s (shared pages count once per process).\n"+
		"%d cores, %s/%s.\n", hwm, every, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
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
