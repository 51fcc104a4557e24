package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

func printImageSample(label, side, kind string, s dsample, check time.Duration) {
	layers := fmt.Sprintf("layers pulled %d, present %d", s.Pulled, s.Present)
	if side == "gitd" {
		fmt.Printf("  %-8s %-5s %-20s %7.3fs  (wall %.3fs − %s check; check measured %.3fs; %s)\n",
			label, side, kind, s.Counted.Seconds(), s.Wall.Seconds(), check, s.Check.Seconds(), layers)
		return
	}
	var parts []string
	for _, p := range []string{rawPull, rawStop, rawRun} {
		if d, ok := s.Phases[p]; ok {
			name, _, _ := strings.Cut(strings.TrimPrefix(p, "docker "), " (")
			parts = append(parts, fmt.Sprintf("%s %.3fs", name, d.Seconds()))
		}
	}
	fmt.Printf("  %-8s %-5s %-20s %7.3fs  (%s; %s)\n", label, side, kind, s.Counted.Seconds(), strings.Join(parts, " + "), layers)
}

// printImageTable prints the medians and ratios by kind, where the time
// goes, the layers the pulls moved and what the numbers are.
func printImageTable(res map[string]map[string][]dsample, check time.Duration) {
	printTotalsHeader()
	for _, k := range imageKinds {
		printKindTotals(k, res[k], nil)
	}
	var rows []phaseRow
	for _, p := range imageGitdPhases {
		rows = append(rows, phaseRow{"gitd", p})
	}
	for _, p := range rawImagePhases {
		rows = append(rows, phaseRow{"raw", p})
	}
	printPhaseTable(res, imageKinds, rows)
	fmt.Println()
	for _, k := range imageKinds {
		fmt.Printf("layers per pull (%s): %s\n", k, layerSummary(res[k]))
	}
	fmt.Printf("\ngitd: `ssh deploy:image APP REF --username U --password-stdin` wall (client included) minus the configured start\n"+
		"  check (%s); the measured wait (engine's start event → the client reads \"-----> starting vN … running\") is its own row.\n"+
		"raw: walls of `docker pull` (logged in beforehand, untimed) + `docker stop` (redeploy only) + `docker run -d` with\n"+
		"  gitd's container flags. gitd also tags the release, untags the ref and removes the old container; the raw side does not.\n"+
		"cold: none of the image's layers on the engine (the base is this run's own flattened copy; after each side's round its\n"+
		"  app, containers and images are removed and checked gone). warm: release 1 on the engine, only the top layer new.\n",
		check)
}

// layerSummary says, by side, how many layers the pulls downloaded and
// found present (a range where the pulls differ).
func layerSummary(bySide map[string][]dsample) string {
	var parts []string
	for _, side := range deploySides {
		var pulled, present []int
		for _, s := range bySide[side] {
			pulled, present = append(pulled, s.Pulled), append(present, s.Present)
		}
		parts = append(parts, fmt.Sprintf("%s %s downloaded, %s present", side, intRange(pulled), intRange(present)))
	}
	return strings.Join(parts, "; ")
}

// intRange is "n" if all of ns are n, "lo–hi" if not, "–" if ns is empty.
func intRange(ns []int) string {
	if len(ns) == 0 {
		return "–"
	}
	lo, hi := slices.Min(ns), slices.Max(ns)
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}
