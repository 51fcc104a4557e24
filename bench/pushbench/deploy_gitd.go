package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/events"
)

// containerName is the name of release n's container of app.
func containerName(app string, n int) string {
	return fmt.Sprintf("botrunner-%s-v%d", app, n)
}

// gitdDeploy pushes release n of app and takes the timeline apart.
func (b *deployBench) gitdDeploy(app string, n int, dir string) (dsample, error) {
	evs, err := b.watch(app)
	if err != nil {
		return dsample{}, err
	}
	defer evs.stop()
	syscall.Sync()
	lines, start, end, err := b.timedPush(app, n, dir)
	if err != nil {
		return dsample{}, err
	}

	want := []string{containerName(app, n) + " start"}
	if n > 1 {
		want = append(want, containerName(app, n-1)+" destroy")
	}
	got := evs.await(want, 3*time.Second)
	chain, err := gitdChain(app, n, lines, got, start, end)
	if err != nil {
		return dsample{}, err
	}
	s := dsample{Wall: end.Sub(start), Counted: end.Sub(start) - b.check,
		Phases: chainPhases(chain), Steps: countSteps(lines)}
	s.StepOrder, s.StepTimes = stepTimes(lines)
	s.Outside = s.Counted - stepsSpan(lines)
	s.Check = s.Phases[gitdPhases[8]]
	return s, nil
}

// timedPush pushes dir's HEAD to app as release n and returns the lines of
// its output as they arrived, and when it started and ended. The push's log
// goes to the logs directory.
func (b *deployBench) timedPush(app string, n int, dir string) (lines []tline, start, end time.Time, err error) {
	log := filepath.Join(b.work, "logs", fmt.Sprintf("%s-v%d.push.log", app, n))
	return timedRun(pushCmd(dir, gitdURL(b.gitdAddr, app), b.sshCmd), log, fmt.Sprintf("git push v%d", n))
}

// timedRun runs cmd and returns the lines of its stdout and stderr (one
// stream) as they arrived, and when it started and ended. The lines go to
// the file log too; what names cmd in errors.
func timedRun(cmd *exec.Cmd, log, what string) (lines []tline, start, end time.Time, err error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, start, end, err
	}
	defer pr.Close()
	cmd.Stdout, cmd.Stderr = pw, pw
	start = time.Now()
	err = cmd.Start()
	pw.Close() // the child has its own copy: EOF comes when it exits
	if err != nil {
		return nil, start, end, err
	}
	lines = readLines(pr)
	err = cmd.Wait()
	end = time.Now()
	_ = os.WriteFile(log, []byte(joinLines(lines)), 0o644)
	if err != nil {
		return nil, start, end, fmt.Errorf("%s: %v\n%s", what, err, joinLines(lines))
	}
	return lines, start, end, nil
}

// gitdChain is the chain of points of release n's push, from the push's
// lines and the container events got; a phase is the time between two
// that were seen.
func gitdChain(app string, n int, lines []tline, got []events.Message, start, end time.Time) ([]point, error) {
	newName, oldName := containerName(app, n), containerName(app, n-1)
	building := findLine(lines, func(s string) bool { return strings.Contains(s, "-----> "+app+": building v") })
	sending := findLine(lines, func(s string) bool { return strings.Contains(s, "Sending build context") })
	up := runningLine(lines, n)
	if up.IsZero() {
		return nil, fmt.Errorf("push v%d: no \"-----> starting v%d … running\" line:\n%s", n, n, joinLines(lines))
	}
	stepsFrom := findLine(lines, func(s string) bool { return strings.HasPrefix(s, "remote: Step ") })
	stepsTo := findLine(lines, func(s string) bool { return strings.HasPrefix(s, "remote: Successfully built") })
	chain := []point{
		{"", start},
		{gitdPhases[0], building},
		{gitdPhases[1], sending},
		{gitdPhases[2], stepsFrom},
		{gitdPhases[3], stepsTo},
	}
	if n > 1 {
		chain = append(chain, point{gitdPhases[4], eventAt(got, oldName, events.ActionKill)},
			point{gitdPhases[5], eventAt(got, oldName, events.ActionDie)})
	}
	return append(chain,
		point{gitdPhases[6], eventAt(got, newName, events.ActionCreate)},
		point{gitdPhases[7], eventAt(got, newName, events.ActionStart)},
		point{gitdPhases[8], up},
		point{gitdPhases[9], end}), nil
}

// runningLine is when gitd's "-----> starting vN … running" line arrived;
// zero if it did not.
func runningLine(lines []tline, n int) time.Time {
	return findLine(lines, func(s string) bool {
		return strings.Contains(s, fmt.Sprintf("-----> starting v%d ", n)) && strings.Contains(s, "running")
	})
}

// findLine is when the first line pred holds for arrived; zero if none.
func findLine(lines []tline, pred func(string) bool) time.Time {
	for _, l := range lines {
		if pred(l.text) {
			return l.at
		}
	}
	return time.Time{}
}

// eventAt is the time of the first event a on the object name in got (by
// its name attribute, or its ID: an image pull's is the ref pulled); zero if
// none.
func eventAt(got []events.Message, name string, a events.Action) time.Time {
	for _, e := range got {
		if (e.Actor.Attributes["name"] == name || e.Actor.ID == name) && e.Action == a {
			return time.Unix(0, e.TimeNano)
		}
	}
	return time.Time{}
}
