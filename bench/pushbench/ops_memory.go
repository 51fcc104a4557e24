package main

import (
	"fmt"
	"os"
	"slices"
	"time"
)

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
	rss := sampleVmRSS(b.gitdPID, t0, window)
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

// sampleVmRSS reads pid's VmRSS every 500 ms from t0 until window has
// passed.
func sampleVmRSS(pid int, t0 time.Time, window time.Duration) []int64 {
	var rss []int64
	for time.Since(t0) < window {
		if kib, err := statusKiB(pid, "VmRSS"); err == nil {
			rss = append(rss, kib)
		}
		time.Sleep(500 * time.Millisecond)
	}
	return rss
}
