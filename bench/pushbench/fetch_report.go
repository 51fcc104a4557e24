package main

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// sideSummary sums up one side's samples of a case.
type sideSummary struct {
	Runs             int
	Median, Min, Max time.Duration
	CPU              float64 // mean seconds per run
	PeakKiB          int64   // max over the runs
}

func summarizeSamples(ss []sample) sideSummary {
	s := sideSummary{Runs: len(ss)}
	walls := make([]time.Duration, len(ss))
	for i, x := range ss {
		walls[i] = x.Wall
		s.CPU += x.CPU / float64(len(ss))
		s.PeakKiB = max(s.PeakKiB, x.PeakKiB)
	}
	s.Median, s.Min, s.Max = medianOf(walls)
	return s
}

// fetchRow is one printed row: both sides of a case and the verdicts.
type fetchRow struct {
	Case          fetchCase
	Gitd, OpenSSH sideSummary
	Ratio         float64 // gitd/OpenSSH median wall
	AboveIdleMiB  float64 // gitd's largest peak RSS minus its idle RSS
	WallMet       bool
	RSSMet        bool // true when the case has no RSS goal
}

func fetchRowOf(r fetchResult, idleKiB int64) fetchRow {
	row := fetchRow{Case: r.Case, Gitd: summarizeSamples(r.Samples["gitd"]), OpenSSH: summarizeSamples(r.Samples["OpenSSH"])}
	if row.OpenSSH.Median > 0 {
		row.Ratio = row.Gitd.Median.Seconds() / row.OpenSSH.Median.Seconds()
	}
	row.AboveIdleMiB = float64(row.Gitd.PeakKiB-idleKiB) / 1024
	row.WallMet = row.Ratio <= r.Case.WallGoal
	row.RSSMet = r.Case.RSSGoalMiB == 0 || row.AboveIdleMiB <= r.Case.RSSGoalMiB
	return row
}

func printFetchTable(w io.Writer, results []fetchResult, idleKiB int64) {
	fmt.Fprintf(w, "%-13s %4s  %-24s  %-24s  %5s  %-12s  %12s  %15s  %14s  %s\n",
		"case", "runs", "gitd wall med (min–max)", "OpenSSH wall med (min–max)", "ratio", "goal",
		"CPU s g / o", "gitd RSS>idle", "OpenSSH RSS", "RSS goal")
	for _, r := range results {
		row := fetchRowOf(r, idleKiB)
		rssGoal := ""
		if row.Case.RSSGoalMiB > 0 {
			rssGoal = fmt.Sprintf("≤ %.0f MiB  %s", row.Case.RSSGoalMiB, metWord(row.RSSMet))
		}
		fmt.Fprintf(w, "%-13s %4d  %-24s  %-24s  %5.2f  %-12s  %5.2f / %5.2f  %11.1f MiB  %10.1f MiB  %s\n",
			row.Case.Name, row.Gitd.Runs, wallRange(row.Gitd), wallRange(row.OpenSSH), row.Ratio,
			fmt.Sprintf("≤ %.1f %s", row.Case.WallGoal, metWord(row.WallMet)),
			row.Gitd.CPU, row.OpenSSH.CPU, row.AboveIdleMiB, float64(row.OpenSSH.PeakKiB)/1024, rssGoal)
	}
}

func wallRange(s sideSummary) string {
	return fmt.Sprintf("%.3fs (%.3f–%.3f)", s.Median.Seconds(), s.Min.Seconds(), s.Max.Seconds())
}

// printFetchNotes says what the fetch table's numbers are.
func printFetchNotes(w io.Writer, f fetchFlags, load0 string) {
	repo := "as git-receive-pack left it (git's defaults: pushes of < 100 objects, small and big, are unpacked to loose objects)"
	if f.repack {
		repo = "`git repack -ad` after the push (one pack, a bitmap)"
	}
	fmt.Fprintf(w, "\nratio: gitd/OpenSSH median wall, from this run, the sides alternating who goes first. Goals (the issue's): every ratio ≤ 1.0;\n"+
		"  gitd's peak RSS above idle ≤ 64 MiB for one clone of the 100 MiB repo, ≤ 256 MiB for ten at once. Context only: nothing fails on a number.\n"+
		"wall: client command start to exit (ssh handshake included): clone = `git clone --bare`, mirror = `git clone --mirror`\n"+
		"  (%d refs: %d branches, %d tags, half annotated), fetch = `git fetch origin` in an up-to-date clone (fetch-small: a clone with\n"+
		"  origin/*; fetch-refs: the mirror). clone-big-x10: ten clones started at once, until the last exits. Clients speak protocol v2\n"+
		"  to both (sshd has AcceptEnv GIT_PROTOCOL). sync(2) before each run, untimed; every result's refs checked, first run fsck'ed.\n"+
		"OpenSSH repos: pushed once (untimed), %s.\n"+
		"CPU: mean per run; gitd utime+stime; OpenSSH cutime+cstime of the listening sshd once the session processes are reaped.\n"+
		"gitd RSS>idle: the largest over the runs of max(VmHWM, VmRSS sampled every %s) minus gitd's VmRSS before anything was\n"+
		"  pushed to it; VmHWM reset through /proc/PID/clear_refs before each run, so each run's peak is its own.\n"+
		"OpenSSH RSS: the largest sum of VmRSS over the processes under sshd (shared pages count once per process).\n"+
		"load average: %s at the start, %s at the end (%d cores).\n",
		refsTotalRefs, refsBranches, refsTags, repo, f.every, load0, loadAvg(), runtime.NumCPU())
}
