package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// fetchCase is one measured operation of the fetch part: clients copies
// of a git command run at once against one server's copy of repo.
type fetchCase struct {
	Name    string // as printed and as named in -runs
	Repo    string // the source repo the servers hold (gen)
	Kind    string // clone (bare), mirror (clone --mirror) or fetch (up to date)
	Clients int
	// WallGoal is the goal for the gitd/OpenSSH wall ratio; RSSGoalMiB,
	// when set, the goal for gitd's peak RSS above idle.
	WallGoal   float64
	RSSGoalMiB float64
}

// fetchCases is every case, in the order run and printed. The issue's
// goals: every ratio ≤ 1.0; gitd's peak RSS above idle ≤ 64 MiB for the
// 100 MiB clone, ≤ 256 MiB for ten at once.
var fetchCases = []fetchCase{
	{Name: "clone-small", Repo: "small", Kind: "clone", Clients: 1, WallGoal: 1},
	{Name: "clone-many", Repo: "many", Kind: "clone", Clients: 1, WallGoal: 1},
	{Name: "clone-big", Repo: "big", Kind: "clone", Clients: 1, WallGoal: 1, RSSGoalMiB: 64},
	{Name: "mirror-refs", Repo: refsRepo, Kind: "mirror", Clients: 1, WallGoal: 1},
	{Name: "fetch-small", Repo: "small", Kind: "fetch", Clients: 1, WallGoal: 1},
	{Name: "fetch-refs", Repo: refsRepo, Kind: "mirror-fetch", Clients: 1, WallGoal: 1},
	{Name: "clone-big-x10", Repo: "big", Kind: "clone", Clients: 10, WallGoal: 1, RSSGoalMiB: 256},
}

const defaultFetchRuns = "clone-small=7,clone-many=7,clone-big=5,mirror-refs=5,fetch-small=9,fetch-refs=7,clone-big-x10=3"

// fetchFlags is fetch's command line.
type fetchFlags struct {
	src, work, key, gitdAddr, sshdAddr, sshUser, runsFlag string
	gitdPID, sshdPID, warmup                              int
	every                                                 time.Duration
	repack                                                bool
	runs                                                  map[string]int // parsed -runs
}

func parseFetchFlags(args []string) (fetchFlags, error) {
	var f fetchFlags
	fs := flag.NewFlagSet("fetch", flag.ContinueOnError)
	fs.StringVar(&f.src, "src", "", "directory holding the generated repos (pushbench gen -out)")
	fs.StringVar(&f.work, "work", "", "scratch directory: the OpenSSH repos and the clones")
	fs.StringVar(&f.key, "key", "", "client private key (authorized on both servers)")
	fs.IntVar(&f.gitdPID, "gitd-pid", 0, "gitd's pid (a gitd that has served nothing yet: its RSS now is idle)")
	fs.StringVar(&f.gitdAddr, "gitd-addr", "", "gitd's host:port")
	fs.IntVar(&f.sshdPID, "sshd-pid", 0, "the benchmark sshd's pid")
	fs.StringVar(&f.sshdAddr, "sshd-addr", "", "the benchmark sshd's host:port")
	fs.StringVar(&f.sshUser, "sshd-user", "root", "user the OpenSSH clones log in as")
	fs.StringVar(&f.runsFlag, "runs", defaultFetchRuns, "measured runs per case and server")
	fs.IntVar(&f.warmup, "warmup", 1, "unmeasured runs per case and server before the measured ones")
	fs.DurationVar(&f.every, "interval", 10*time.Millisecond, "RSS sampling interval")
	fs.BoolVar(&f.repack, "openssh-repack", false, "`git repack -ad` each OpenSSH repo after its push (a gc'd git server; bitmaps); default: as git-receive-pack left it")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if err := requireFlags("fetch", map[string]string{"-src": f.src, "-work": f.work, "-key": f.key,
		"-gitd-addr": f.gitdAddr, "-sshd-addr": f.sshdAddr}); err != nil {
		return f, err
	}
	if f.gitdPID <= 0 || f.sshdPID <= 0 {
		return f, fmt.Errorf("fetch: -gitd-pid and -sshd-pid are required")
	}
	var err error
	f.runs, err = parseRuns(f.runsFlag, caseNames(), defaultFetchRuns)
	return f, err
}

func caseNames() []string {
	names := make([]string, len(fetchCases))
	for i, c := range fetchCases {
		names[i] = c.Name
	}
	return names
}

// fetchSide is one server of the fetch part: how it is measured and the
// URL of its copy of each source repo.
type fetchSide struct {
	*server
	url func(repo string) string
}

func fetchMain(args []string) error {
	f, err := parseFetchFlags(args)
	if err != nil {
		return err
	}
	sshCmd := strings.Join(sshClient(f.key), " ")
	idle, err := statusKiB(f.gitdPID, "VmRSS")
	if err != nil {
		return fmt.Errorf("gitd's idle RSS: %w", err)
	}
	if err := resetHWM(f.gitdPID); err != nil {
		return fmt.Errorf("reset gitd's VmHWM (/proc/PID/clear_refs, Linux ≥ 4.0): %w", err)
	}
	gitd := &fetchSide{gitdProcs(f.gitdPID), func(repo string) string { return gitdURL(f.gitdAddr, "fetch-"+repo) }}
	openssh := &fetchSide{sshdProcs(f.sshdPID), func(repo string) string {
		return opensshURL(f.sshUser, f.sshdAddr, opensshRepo(f.work, repo))
	}}
	b := &fetchBench{f: f, sshCmd: sshCmd, hz: clockTicks(), idleKiB: idle, sides: []*fetchSide{gitd, openssh}}
	if err := b.seed(); err != nil {
		return err
	}
	fmt.Printf("gitd pid %d, idle RSS %.1f MiB (before anything was pushed to it); sshd pid %d; %d warm-up + measured runs: %s\n",
		f.gitdPID, float64(idle)/1024, f.sshdPID, f.warmup, f.runsFlag)
	load0 := loadAvg()
	var results []fetchResult
	for _, c := range fetchCases {
		if n := f.runs[c.Name]; n > 0 {
			r, err := b.runCase(c, n)
			if err != nil {
				return err
			}
			results = append(results, r)
		}
	}
	fmt.Println()
	printFetchTable(os.Stdout, results, idle)
	printFetchNotes(os.Stdout, f, load0)
	return nil
}

// opensshRepo is the OpenSSH side's bare copy of repo.
func opensshRepo(work, repo string) string {
	return filepath.Join(work, "openssh", "fetch-"+repo+".git")
}
