package main

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestFetchRowRatiosAndGoals(t *testing.T) {
	ms := time.Millisecond
	c := fetchCase{Name: "clone-big", Repo: "big", Kind: "clone", Clients: 1, WallGoal: 1, RSSGoalMiB: 64}
	r := fetchResult{Case: c, Samples: map[string][]sample{
		"gitd":    {{Wall: 300 * ms, PeakKiB: 50 << 10}, {Wall: 100 * ms, PeakKiB: 90 << 10}, {Wall: 200 * ms, PeakKiB: 60 << 10}},
		"OpenSSH": {{Wall: 400 * ms}, {Wall: 400 * ms}, {Wall: 500 * ms}},
	}}
	row := fetchRowOf(r, 20<<10) // idle 20 MiB
	if row.Gitd.Median != 200*ms || row.OpenSSH.Median != 400*ms {
		t.Fatalf("medians %v, %v", row.Gitd.Median, row.OpenSSH.Median)
	}
	if row.Ratio != 0.5 || !row.WallMet {
		t.Fatalf("ratio %v met %v, want 0.5 met", row.Ratio, row.WallMet)
	}
	// The largest peak (90 MiB) minus idle (20 MiB): 70 MiB, over 64.
	if row.AboveIdleMiB != 70 || row.RSSMet {
		t.Fatalf("above idle %v MiB met %v, want 70 not met", row.AboveIdleMiB, row.RSSMet)
	}
	c.RSSGoalMiB = 0 // no RSS goal: met whatever the peak
	if row := fetchRowOf(fetchResult{Case: c, Samples: r.Samples}, 0); !row.RSSMet {
		t.Fatal("a case without an RSS goal failed it")
	}
}

func TestFetchRunsFlag(t *testing.T) {
	m, err := parseRuns(defaultFetchRuns, caseNames(), defaultFetchRuns)
	if err != nil || len(m) != len(fetchCases) || m["clone-big-x10"] != 3 {
		t.Fatalf("default -runs = %v, %v", m, err)
	}
	if _, err := parseRuns("clone-huge=1", caseNames(), defaultFetchRuns); err == nil {
		t.Fatal("unknown case: want an error")
	}
}

// The refs repo's stream makes exactly the branches and tags promised.
func TestRefsStreamCounts(t *testing.T) {
	var b strings.Builder
	writeRefsStream(&b, newTexter(seedRefs))
	s := b.String()
	if n := strings.Count(s, "\ncommit refs/heads/main\n") + 1; n != refsCommits {
		t.Fatalf("%d commits, want %d", n, refsCommits)
	}
	branches := strings.Count(s, "reset refs/heads/")
	light := strings.Count(s, "reset refs/tags/")
	annotated := strings.Count(s, "\ntag annot-")
	if branches+1 != refsBranches || light+annotated != refsTags || light != annotated {
		t.Fatalf("%d branches + main, %d lightweight and %d annotated tags", branches, light, annotated)
	}
	if !strings.HasSuffix(s, "done\n") {
		t.Fatal("stream does not end with done")
	}
}

func TestRunAllReportsAFailure(t *testing.T) {
	if err := runAll([]*exec.Cmd{exec.Command("true"), exec.Command("true")}); err != nil {
		t.Fatal(err)
	}
	err := runAll([]*exec.Cmd{exec.Command("true"), exec.Command("false")})
	if err == nil || !strings.Contains(err.Error(), "false") {
		t.Fatalf("runAll with a failing command: %v", err)
	}
}
