package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// fetchBench runs the fetch part's cases against both sides.
type fetchBench struct {
	f       fetchFlags
	sshCmd  string
	hz      float64
	idleKiB int64
	sides   []*fetchSide
	// want is each source repo's refs ("<hash> <name>" lines).
	want map[string]string
}

// sample is one measured run of a case on one side.
type sample struct {
	Wall      time.Duration
	CPU       float64 // seconds
	PeakKiB   int64   // largest RSS seen (gitd: VmHWM too)
	BeforeKiB int64   // RSS just before the run
}

// fetchResult is every measured run of one case, per side.
type fetchResult struct {
	Case    fetchCase
	Samples map[string][]sample // by side name
}

// seed pushes every source repo once to each side (untimed): main for the
// three, --mirror for the refs repo; then makes each side's up-to-date
// clones the fetch cases fetch into.
func (b *fetchBench) seed() error {
	b.want = map[string]string{}
	repos := append(append([]string{}, repoNames...), refsRepo)
	for _, repo := range repos {
		refs, err := refsOf(filepath.Join(b.f.src, repo, ".git"))
		if err != nil {
			return err
		}
		b.want[repo] = refs
		for _, s := range b.sides {
			if err := b.seedSide(s, repo); err != nil {
				return fmt.Errorf("seed %s on %s: %w", repo, s.name, err)
			}
		}
	}
	for _, s := range b.sides {
		for _, c := range fetchCases {
			if c.Kind != "fetch" && c.Kind != "mirror-fetch" {
				continue
			}
			if err := b.prepareFetchClone(s, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedSide pushes repo to side s (OpenSSH: into a fresh bare repo).
func (b *fetchBench) seedSide(s *fetchSide, repo string) error {
	if s.name == "OpenSSH" {
		dir := opensshRepo(b.f.work, repo)
		if out, err := exec.Command("git", "init", "-q", "--bare", dir).CombinedOutput(); err != nil {
			return fmt.Errorf("git init --bare: %v: %s", err, out)
		}
	}
	src := filepath.Join(b.f.src, repo)
	cmd := pushCmd(src, s.url(repo), b.sshCmd, "--quiet")
	if repo == refsRepo {
		cmd = gitCmd(src, b.sshCmd, "push", "--quiet", "--no-verify", "--mirror", s.url(repo))
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git push: %v: %s", err, out)
	}
	if s.name == "OpenSSH" && b.f.repack {
		if out, err := exec.Command("git", "--git-dir", opensshRepo(b.f.work, repo), "repack", "-adq").CombinedOutput(); err != nil {
			return fmt.Errorf("git repack: %v: %s", err, out)
		}
	}
	return nil
}

// prepareFetchClone makes the clone case c fetches into on side s.
func (b *fetchBench) prepareFetchClone(s *fetchSide, c fetchCase) error {
	dir := b.fetchClone(s, c)
	os.RemoveAll(dir)
	args := []string{"clone", "--quiet", "--no-checkout", s.url(c.Repo), dir}
	if c.Kind == "mirror-fetch" {
		args = []string{"clone", "--quiet", "--mirror", s.url(c.Repo), dir}
	}
	if out, err := gitCmd("", b.sshCmd, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s: clone to fetch into from %s: %v: %s", c.Name, s.name, err, out)
	}
	return nil
}

// fetchClone is where side s keeps the clone case c fetches into.
func (b *fetchBench) fetchClone(s *fetchSide, c fetchCase) string {
	return filepath.Join(b.f.work, "fetchinto", s.name+"-"+c.Name)
}

// runCase runs case c: warm-up rounds, then n measured ones, the sides
// alternating who goes first.
func (b *fetchBench) runCase(c fetchCase, n int) (fetchResult, error) {
	r := fetchResult{Case: c, Samples: map[string][]sample{}}
	fmt.Printf("%s: %d client(s), %s of %s\n", c.Name, c.Clients, c.Kind, c.Repo)
	for i := -b.f.warmup; i < n; i++ {
		tag, label := roundTag(i)
		for _, s := range turns(i, b.sides[0], b.sides[1]) {
			smp, err := b.measure(s, c, tag, i == 0)
			if err != nil {
				return r, fmt.Errorf("%s %s on %s: %w", c.Name, label, s.name, err)
			}
			if i >= 0 {
				r.Samples[s.name] = append(r.Samples[s.name], smp)
			}
			fmt.Printf("  %-8s %-7s wall %7.3fs  cpu %6.3fs  peak RSS %7.1f MiB (%.1f before)\n",
				label, s.name, smp.Wall.Seconds(), smp.CPU, float64(smp.PeakKiB)/1024, float64(smp.BeforeKiB)/1024)
		}
	}
	return r, nil
}

// measure runs case c once on side s: every client at once, timed from
// the first start to the last exit, with s's CPU time and peak RSS. The
// result is checked against the source (and fsck'ed when fsck is set),
// then removed.
func (b *fetchBench) measure(s *fetchSide, c fetchCase, tag string, fsck bool) (sample, error) {
	cmds, dirs := b.commands(s, c, tag)
	defer func() {
		for _, d := range dirs {
			os.RemoveAll(d)
		}
	}()
	// Earlier runs' dirty pages are flushed first, untimed: no run pays for
	// another's writeback.
	syscall.Sync()
	var smp sample
	smp.BeforeKiB, _ = sumRSS(s.pids())
	if s.hwm {
		if err := resetHWM(s.pid); err != nil {
			return smp, err
		}
	}
	cpu0, err := s.cpuTicks()
	if err != nil {
		return smp, err
	}
	sampler := sampleRSS(b.f.every, s.pids)
	start := time.Now()
	err = runAll(cmds)
	smp.Wall = time.Since(start)
	smp.PeakKiB, _ = sampler.finish()
	if err != nil {
		return smp, err
	}
	if err := s.settle(); err != nil {
		return smp, err
	}
	cpu1, err := s.cpuTicks()
	if err != nil {
		return smp, err
	}
	smp.CPU = float64(cpu1-cpu0) / b.hz
	if s.hwm {
		if hwm, err := statusKiB(s.pid, "VmHWM"); err == nil && hwm > smp.PeakKiB {
			smp.PeakKiB = hwm
		}
	}
	return smp, b.check(s, c, dirs, fsck)
}

// commands are the client commands of one run of c on s, and the
// directories they write (removed after the run; none for a fetch).
func (b *fetchBench) commands(s *fetchSide, c fetchCase, tag string) ([]*exec.Cmd, []string) {
	if c.Kind == "fetch" || c.Kind == "mirror-fetch" {
		return []*exec.Cmd{gitCmd(b.fetchClone(s, c), b.sshCmd, "fetch", "--quiet", "origin")}, nil
	}
	var cmds []*exec.Cmd
	var dirs []string
	for k := 1; k <= c.Clients; k++ {
		dir := filepath.Join(b.f.work, "clones", fmt.Sprintf("%s-%s-%s-%d", s.name, c.Name, tag, k))
		os.RemoveAll(dir)
		mode := "--bare"
		if c.Kind == "mirror" {
			mode = "--mirror"
		}
		cmds = append(cmds, gitCmd("", b.sshCmd, "clone", "--quiet", mode, s.url(c.Repo), dir))
		dirs = append(dirs, dir)
	}
	return cmds, dirs
}

// runAll runs cmds at once and waits for all; the first failure is the error.
func runAll(cmds []*exec.Cmd) error {
	errs := make([]error, len(cmds))
	var wg sync.WaitGroup
	for i, cmd := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				errs[i] = fmt.Errorf("%s: %v: %s", strings.Join(cmd.Args, " "), err, stderr.String())
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// check compares what a run of c on s left with the source: the clones'
// refs (fsck'ed too when fsck is set), or the up-to-date clone's refs
// after its fetch.
func (b *fetchBench) check(s *fetchSide, c fetchCase, dirs []string, fsck bool) error {
	want := b.want[c.Repo]
	switch c.Kind {
	case "fetch":
		// A clone with a work tree: the fetch keeps origin's main where it was.
		got, err := exec.Command("git", "-C", b.fetchClone(s, c), "rev-parse", "refs/remotes/origin/main").Output()
		if err != nil || !strings.HasPrefix(want, strings.TrimSpace(string(got))+" refs/heads/main") {
			return fmt.Errorf("after the fetch origin/main is %q (%v), want the source's main", got, err)
		}
		return nil
	case "mirror-fetch":
		dirs = []string{b.fetchClone(s, c)}
	}
	for _, d := range dirs {
		got, err := refsOf(d)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%s: %d refs, not the source's %d (or other values)", d, strings.Count(got, "\n"), strings.Count(want, "\n"))
		}
	}
	if fsck && c.Kind != "mirror-fetch" {
		if out, err := exec.Command("git", "--git-dir", dirs[0], "fsck", "--no-dangling", "--no-progress").CombinedOutput(); err != nil {
			return fmt.Errorf("git fsck %s: %v\n%s", dirs[0], err, out)
		}
	}
	return nil
}
