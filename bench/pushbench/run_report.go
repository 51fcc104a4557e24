package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// parseRuns parses a -runs flag, name=N[,name=N], each name one of names
// (example is the flag's default, for the error).
func parseRuns(s string, names []string, example string) (map[string]int, error) {
	m := map[string]int{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || !contains(names, k) {
			return nil, fmt.Errorf("-runs: want e.g. %s, got %q", example, s)
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
	s.Median, s.Min, s.Max = medianOf(walls)
	s.CPU = cpu / float64(len(ps))
	s.PeakMiB = float64(peak) / 1024
	return s
}

// goals from the issue, printed for context; nothing fails on them.
var wallGoal = map[string]float64{"small": 0.9, "many": 0.9, "big": 1.0}

const bigRSSGoalMiB = 64

func printTable(w *os.File, results []result, hwmOK bool, every time.Duration, idleKiB int64) {
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
		above := s.PeakMiB - float64(idleKiB)/1024
		fmt.Fprintf(w, "\ngitd peak RSS during the big push: %.1f MiB, %.1f MiB above idle (goal ≤ %d MiB above idle: %s)\n",
			s.PeakMiB, above, bigRSSGoalMiB, metWord(above <= bigRSSGoalMiB))
	}
	printRunNotes(w, hwmOK, every)
}

// printRunNotes says what the push table's numbers are.
func printRunNotes(w *os.File, hwmOK bool, every time.Duration) {
	fmt.Fprintf(w, "\nratios are gitd/OpenSSH from this run (wall: medians; CPU: means). Goals: wall ratio ≤ 0.9 small and many, ≤ 1.0 big;\n"+
		"gitd peak RSS ≤ 64 MiB above idle (its VmRSS at the start) during the big push. They are context only: nothing here fails on a number.\n")
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
