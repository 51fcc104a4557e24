package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
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

// runFlags is run's command line.
type runFlags struct {
	src, work, key, gitdAddr, gitdRepos, sshdAddr, sshUser string
	runsFlag, osshConfig                                   string
	gitdPID, sshdPID, warmup                               int
	every                                                  time.Duration
	precreate                                              bool
	runs                                                   map[string]int // parsed -runs
	targetConfig                                           [][2]string    // parsed -openssh-git-config
}

func parseRunFlags(args []string) (runFlags, error) {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&f.src, "src", "", "directory holding the generated repos (pushbench gen -out)")
	fs.StringVar(&f.work, "work", "", "scratch directory for the OpenSSH targets")
	fs.StringVar(&f.key, "key", "", "client private key (authorized on both servers)")
	fs.IntVar(&f.gitdPID, "gitd-pid", 0, "gitd's pid")
	fs.StringVar(&f.gitdAddr, "gitd-addr", "", "gitd's host:port")
	fs.StringVar(&f.gitdRepos, "gitd-repos", "", "gitd's <data>/repos, to check what was stored")
	fs.IntVar(&f.sshdPID, "sshd-pid", 0, "the benchmark sshd's pid")
	fs.StringVar(&f.sshdAddr, "sshd-addr", "", "the benchmark sshd's host:port")
	fs.StringVar(&f.sshUser, "sshd-user", "root", "user the OpenSSH pushes log in as")
	fs.StringVar(&f.runsFlag, "runs", "small=5,many=5,big=3", "measured pushes per repo and server")
	fs.IntVar(&f.warmup, "warmup", 1, "unmeasured pushes per repo and server before the measured ones")
	fs.DurationVar(&f.every, "interval", 20*time.Millisecond, "RSS sampling interval")
	fs.BoolVar(&f.precreate, "gitd-precreate", false, "create each gitd app with `apps:create` before its push (not timed), as the OpenSSH targets are; default: the timed first push creates it")
	fs.StringVar(&f.osshConfig, "openssh-git-config", "", "git config for each OpenSSH target, e.g. receive.unpackLimit=1 (default: git's defaults)")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if err := requireFlags("run", map[string]string{"-src": f.src, "-work": f.work, "-key": f.key,
		"-gitd-addr": f.gitdAddr, "-gitd-repos": f.gitdRepos, "-sshd-addr": f.sshdAddr}); err != nil {
		return f, err
	}
	if f.gitdPID <= 0 || f.sshdPID <= 0 {
		return f, fmt.Errorf("run: -gitd-pid and -sshd-pid are required")
	}
	var err error
	if f.runs, err = parseRuns(f.runsFlag, repoNames, "small=5,many=5,big=3"); err != nil {
		return f, err
	}
	f.targetConfig, err = parseTargetConfig(f.osshConfig)
	return f, err
}

// parseTargetConfig parses -openssh-git-config: key=value[,key=value].
func parseTargetConfig(s string) ([][2]string, error) {
	var targetConfig [][2]string
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("-openssh-git-config: want key=value[,key=value], got %q", s)
		}
		targetConfig = append(targetConfig, [2]string{k, v})
	}
	return targetConfig, nil
}

func runMain(args []string) error {
	f, err := parseRunFlags(args)
	if err != nil {
		return err
	}
	hz := clockTicks()
	sshCmd := strings.Join(sshClient(f.key), " ")
	gitd, openssh := gitdServer(f, sshCmd), opensshServer(f)
	servers := []*server{gitd, openssh}

	load0 := loadAvg()
	idle, _ := statusKiB(f.gitdPID, "VmRSS")
	hwmOK := resetHWM(f.gitdPID) == nil
	if !hwmOK {
		gitd.hwm = false
	}
	printRunHeader(f, idle)

	var results []result
	for _, repo := range repoNames {
		n := f.runs[repo]
		if n == 0 {
			continue
		}
		rs, err := benchRepo(f, servers, repo, n, sshCmd, hz)
		if err != nil {
			return err
		}
		results = append(results, rs...)
	}
	fmt.Println()
	printTable(os.Stdout, results, hwmOK, f.every, idle)
	printRunFooter(results, f.gitdPID, load0, idle)
	return nil
}

func printRunHeader(f runFlags, idle int64) {
	fmt.Printf("gitd pid %d (idle RSS %.1f MiB), sshd pid %d; %d warm-up + measured pushes per repo and server: %s; RSS sampled every %s\n",
		f.gitdPID, float64(idle)/1024, f.sshdPID, f.warmup, f.runsFlag, f.every)
	if f.precreate {
		fmt.Printf("gitd apps: created with apps:create before each push (not timed)\n")
	} else {
		fmt.Printf("gitd apps: created by the timed first push (OpenSSH targets are made before it, untimed)\n")
	}
	if len(f.targetConfig) > 0 {
		fmt.Printf("OpenSSH targets configured with: %s\n", f.osshConfig)
	} else {
		fmt.Printf("OpenSSH targets: fresh `git init --bare`, git's defaults (receive.unpackLimit=100: pushes of < 100 objects are unpacked to loose objects)\n")
	}
	fmt.Println()
}

func printRunFooter(results []result, gitdPID int, load0 string, idle int64) {
	fmt.Printf("load average: %s at the start, %s at the end (%d cores)\n", load0, loadAvg(), runtime.NumCPU())
	for _, r := range results {
		if s := summarize(r.Pushes); s.Min > 0 && s.Max > 2*s.Min {
			fmt.Printf("warning: %s to %s: walls from %.3fs to %.3fs; the machine was busy (disk or CPU), so take the ratios with salt and rerun\n",
				r.Repo, r.Server, s.Min.Seconds(), s.Max.Seconds())
		}
	}
	if rss, err := statusKiB(gitdPID, "VmRSS"); err == nil {
		fmt.Printf("gitd RSS after all pushes: %.1f MiB (idle at start: %.1f MiB)\n", float64(rss)/1024, float64(idle)/1024)
	}
}
