package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

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
