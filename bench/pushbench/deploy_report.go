package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

func printSample(label, side, kind string, s dsample, check time.Duration) {
	switch side {
	case "gitd":
		fmt.Printf("  %-8s %-5s %-19s %7.3fs  (push %.3fs − %s check; check measured %.3fs; %d build steps ran)\n",
			label, side, kind, s.Counted.Seconds(), s.Wall.Seconds(), check, s.Check.Seconds(), s.Steps)
	default:
		var parts []string
		for _, p := range []string{rawBuild, rawStop, rawRun} {
			if d, ok := s.Phases[p]; ok {
				name, _, _ := strings.Cut(strings.TrimPrefix(p, "docker "), " (")
				parts = append(parts, fmt.Sprintf("%s %.3fs", name, d.Seconds()))
			}
		}
		fmt.Printf("  %-8s %-5s %-19s %7.3fs  (%s; %d build steps ran)\n",
			label, side, kind, s.Counted.Seconds(), strings.Join(parts, " + "), s.Steps)
	}
}

// deploySides is the order the tables list the two sides in.
var deploySides = []string{"gitd", "raw"}

func printDeployTable(res map[string]map[string][]dsample, runs int, check time.Duration) {
	printTotals(res)
	printPhases(res)
	printStepTimes(res)
	steps := func(k, side string) int {
		var n []int
		for _, s := range res[k][side] {
			n = append(n, s.Steps)
		}
		slices.Sort(n)
		if len(n) == 0 {
			return 0
		}
		return n[len(n)/2]
	}
	fmt.Printf("build steps that ran (not cached), median: first deploy gitd %d raw %d; redeploy gitd %d raw %d\n",
		steps(kindFirst, "gitd"), steps(kindFirst, "raw"), steps(kindRedeploy, "gitd"), steps(kindRedeploy, "raw"))
	printDeployNotes(check)
}

// durations is what of each sample of ss get gives, for the samples it
// gives one for.
func durations(ss []dsample, get func(dsample) (time.Duration, bool)) []time.Duration {
	var ds []time.Duration
	for _, s := range ss {
		if d, ok := get(s); ok {
			ds = append(ds, d)
		}
	}
	return ds
}

// printTotals prints each kind's counted time for both sides, their ratio
// and the goal, and the medians outside the build steps.
func printTotals(res map[string]map[string][]dsample) {
	printTotalsHeader()
	for _, k := range kinds {
		var goal func(float64, time.Duration) string
		if k == kindRedeploy {
			goal = func(r float64, gitd time.Duration) string {
				return fmt.Sprintf("≤ %.1f× raw: %s; ≤ %.1f s: %s", redeployGoalRatio, metWord(r <= redeployGoalRatio),
					redeployGoalSeconds, metWord(gitd.Seconds() <= redeployGoalSeconds))
			}
		}
		printKindTotals(k, res[k], goal)
		var out [2]time.Duration
		for j, side := range deploySides {
			out[j], _, _ = medianOf(durations(res[k][side], func(s dsample) (time.Duration, bool) { return s.Outside, true }))
		}
		fmt.Printf("  %s outside the build steps: gitd %.3fs, raw %.3fs (gitd/raw %.2f)\n",
			k, out[0].Seconds(), out[1].Seconds(), out[0].Seconds()/out[1].Seconds())
	}
}

func printTotalsHeader() {
	fmt.Printf("%-19s %-5s %4s  %9s  %-17s  %8s  %s\n", "deploy", "side", "runs", "median", "(min–max)", "gitd/raw", "goal")
}

// printKindTotals prints kind k's row for each side (median of the counted
// times, range), with the gitd/raw ratio and, if goal is set, what it says
// of the ratio and gitd's median on the raw row.
func printKindTotals(k string, bySide map[string][]dsample, goal func(ratio float64, gitd time.Duration) string) {
	meds := map[string]time.Duration{}
	for _, side := range deploySides {
		ds := durations(bySide[side], func(s dsample) (time.Duration, bool) { return s.Counted, true })
		med, lo, hi := medianOf(ds)
		meds[side] = med
		ratio, g := "", ""
		if side == "raw" {
			r := meds["gitd"].Seconds() / med.Seconds()
			ratio = fmt.Sprintf("%.2f", r)
			if goal != nil {
				g = goal(r, meds["gitd"])
			}
		}
		fmt.Printf("%-19s %-5s %4d  %8.3fs  (%.3f–%.3f)  %8s  %s\n", k, side, len(ds), med.Seconds(), lo.Seconds(), hi.Seconds(), ratio, g)
	}
}

// phaseRow is one row of a phase table: a side's phase.
type phaseRow struct{ side, phase string }

// printPhases prints the median of each phase, by side and kind.
func printPhases(res map[string]map[string][]dsample) {
	var rows []phaseRow
	for _, p := range gitdPhases {
		rows = append(rows, phaseRow{"gitd", p})
	}
	for _, p := range rawPhases {
		rows = append(rows, phaseRow{"raw", p})
	}
	printPhaseTable(res, kinds, rows)
}

// printPhaseTable prints the median of each row's phase, by kind ("–": not
// seen in any sample).
func printPhaseTable(res map[string]map[string][]dsample, kinds []string, rows []phaseRow) {
	fmt.Printf("\nwhere the time goes (medians of each phase, seconds; phases' medians need not add up to the total's)\n")
	fmt.Printf("%-70s", "")
	for _, k := range kinds {
		fmt.Printf(" %*s", max(len(k), 10), k)
	}
	fmt.Println()
	for _, r := range rows {
		fmt.Printf("%-5s %-64s", r.side, r.phase)
		for _, k := range kinds {
			cell := "–"
			ds := durations(res[k][r.side], func(s dsample) (time.Duration, bool) { d, ok := s.Phases[r.phase]; return d, ok })
			if len(ds) > 0 {
				m, _, _ := medianOf(ds)
				cell = fmt.Sprintf("%.3f", m.Seconds())
			}
			fmt.Printf(" %*s", max(len(k), 10), cell)
		}
		fmt.Println()
	}
}

// printStepTimes prints the median time of each build step, by kind and
// side, in the order the steps first appeared.
func printStepTimes(res map[string]map[string][]dsample) {
	fmt.Printf("\nbuild steps (medians, seconds, from the arrival of each \"Step i/n\" line to the next; 0.000 = from the cache)\n")
	fmt.Printf("%-46s %10s %10s %10s %10s\n", "", "first gitd", "first raw", "redep gitd", "redep raw")
	var order []string
	for _, k := range kinds {
		for _, side := range deploySides {
			for _, smp := range res[k][side] {
				for _, st := range smp.StepOrder {
					if !slices.Contains(order, st) {
						order = append(order, st)
					}
				}
			}
		}
	}
	for _, st := range order {
		fmt.Printf("%-46s", st)
		for _, k := range kinds {
			for _, side := range deploySides {
				ds := durations(res[k][side], func(s dsample) (time.Duration, bool) { d, ok := s.StepTimes[st]; return d, ok })
				if len(ds) == 0 {
					fmt.Printf(" %10s", "–")
					continue
				}
				m, _, _ := medianOf(ds)
				fmt.Printf(" %10.3f", m.Seconds())
			}
		}
		fmt.Println()
	}
}

// printDeployNotes says what the deploy table's numbers are.
func printDeployNotes(check time.Duration) {
	fmt.Printf("\ngitd: `git push` wall (client included) minus the configured start check (%s): gitd holds the new container that long\n"+
		"  before it answers; the measured wait (engine's start event → the client reads \"-----> starting vN … running\") is its own row.\n"+
		"raw: walls of `DOCKER_BUILDKIT=0 docker build` + `docker stop` (redeploy only) + `docker run -d`, same context, Dockerfile,\n"+
		"  build options and container flags as gitd (taken from gitd's builder and runtime driver). gitd also removes the old\n"+
		"  container after the check (in 'after check'); the raw sequence does not.\n"+
		"outside the build steps: the total minus the span from the first \"Step i/n\" line to \"Successfully built\" (same request, same\n"+
		"  engine: the steps' time is the engine's and the machine's; the rest is what each side adds: gitd's ssh, pack, checkout,\n"+
		"  context and swap; the CLI's start, context, upload, stop and run).\n"+
		"Goals (redeploy): ≤ %.1f s and ≤ %.1f× raw. Context only: nothing fails on a number.\n", check, redeployGoalSeconds, redeployGoalRatio)
}
