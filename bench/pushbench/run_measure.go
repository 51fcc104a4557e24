package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// benchRepo pushes the generated repo to each server, warm-up rounds then
// n measured ones, and checks what each stored.
func benchRepo(f runFlags, servers []*server, repo string, n int, sshCmd string, hz float64) ([]result, error) {
	dir := filepath.Join(f.src, repo)
	want, err := refOf(filepath.Join(dir, ".git"))
	if err != nil {
		return nil, err
	}
	info, err := describe(dir)
	if err != nil {
		return nil, err
	}
	fmt.Printf("%s: %s\n", repo, info)
	bySrv := map[string]*result{}
	for _, s := range servers {
		bySrv[s.name] = &result{Repo: repo, Server: s.name}
	}
	for i := -f.warmup; i < n; i++ {
		tag, label := roundTag(i)
		// Alternate who goes first, so neither always pushes into the
		// other's leftovers (page cache, writeback).
		for _, s := range turns(i, servers[0], servers[1]) {
			p, err := measure(s, dir, repo, tag, want, sshCmd, hz, f.every)
			if err != nil {
				return nil, fmt.Errorf("%s push %s to %s: %w", repo, tag, s.name, err)
			}
			if i >= 0 {
				bySrv[s.name].Pushes = append(bySrv[s.name].Pushes, p)
			}
			fmt.Printf("  %-8s %-7s wall %7.3fs  cpu %6.3fs  peak RSS %7.1f MiB (%d samples)\n",
				label, s.name, p.Wall.Seconds(), p.CPU, float64(p.PeakKiB)/1024, p.Samples)
		}
	}
	// One full fsck of what each server stored (not timed).
	for _, s := range servers {
		if err := fsckTarget(s, f.gitdRepos, f.work, repo); err != nil {
			return nil, err
		}
	}
	return []result{*bySrv["gitd"], *bySrv["OpenSSH"]}, nil
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
	p, err := timePush(s, dir, url, sshCmd, every)
	if err != nil {
		return push{}, err
	}
	if err := s.settle(); err != nil {
		return push{}, err
	}
	cpu1, err := s.cpuTicks()
	if err != nil {
		return push{}, err
	}
	if s.hwm {
		if hwm, err := statusKiB(s.pid, "VmHWM"); err == nil && hwm > p.PeakKiB {
			p.PeakKiB = hwm
		}
	}
	if err := checkPushed(head, want); err != nil {
		return push{}, err
	}
	p.CPU = float64(cpu1-cpu0) / hz
	return p, nil
}

// timePush pushes dir to url, sampling the RSS of s's processes every
// interval: the push's wall and peak RSS (no CPU yet).
func timePush(s *server, dir, url, sshCmd string, every time.Duration) (push, error) {
	cmd := pushCmd(dir, url, sshCmd, "--quiet")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	sampler := sampleRSS(every, s.pids)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	peak, samples := sampler.finish()
	if err != nil {
		return push{}, fmt.Errorf("git push: %v\n%s", err, stderr.String())
	}
	return push{Wall: wall, PeakKiB: peak, Samples: samples}, nil
}

// checkPushed checks that the target's ref (read by head) is want.
func checkPushed(head func() (string, error), want string) error {
	got, err := head()
	if err != nil {
		return fmt.Errorf("read pushed ref: %w", err)
	}
	if got != want {
		return fmt.Errorf("pushed ref is %s, want %s", got, want)
	}
	return nil
}
