package main

// The gitd side of the image benchmark: deploy:image over ssh, timed, and
// its time line taken apart.

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/build"
)

// Phases of a gitd image deploy, between consecutive points in time
// (client-side line arrivals and engine events, same clock).
var imageGitdPhases = []string{
	"ssh, auth, password, lock (→ 'pulling' line)",
	"pull: download, extract (→ engine's pull event)",
	"inspect, tag release (→ its tag event)",
	"untag ref, record, list (→ old killed)",
	"stop old: SIGTERM → exit",
	"→ new created ([untag, record, list,] rm leftover, create)",
	"→ new started (inspect, wait, start)",
	"start check (NOT counted; measured)",
	"after check (rm old, record, report, client exit)",
}

// imageEvents subscribes to the engine's image and container events (the
// caller picks its own by name: image events carry no app label).
func (b *imageBench) imageEvents() *eventWatch {
	return watchEvents(b.cli, make(client.Filters).Add("type", "image").Add("type", "container"))
}

// gitdImageDeploy deploys release n's image to app with deploy:image and
// takes the time line apart.
func (b *imageBench) gitdImageDeploy(app string, n int) (dsample, error) {
	ref := b.refs[n-1]
	w := b.imageEvents()
	defer w.stop()
	syscall.Sync()
	cmd := sshTo(b.sshBase, b.gitdAddr, "git", "deploy:image", app, ref, "--username", b.reg.User, "--password-stdin")
	cmd.Stdin = strings.NewReader(b.reg.Password + "\n")
	log := filepath.Join(b.work, "logs", fmt.Sprintf("%s-v%d.deploy-image.log", app, n))
	lines, start, end, err := timedRun(cmd, log, fmt.Sprintf("deploy:image v%d", n))
	if err != nil {
		return dsample{}, err
	}
	want := []string{ref + " pull", containerName(app, n) + " start"}
	if n > 1 {
		want = append(want, containerName(app, n-1)+" destroy")
	}
	chain, err := imageChain(app, ref, n, lines, w.await(want, 3*time.Second), start, end)
	if err != nil {
		return dsample{}, err
	}
	s := dsample{Wall: end.Sub(start), Counted: end.Sub(start) - b.check, Phases: chainPhases(chain)}
	s.Check = s.Phases[imageGitdPhases[7]]
	s.Pulled, s.Present = countLayers(lines)
	return s, nil
}

// imageChain is the chain of points of release n's deploy:image of ref to
// app, from its output lines and the engine events got.
func imageChain(app, ref string, n int, lines []tline, got []events.Message, start, end time.Time) ([]point, error) {
	up := runningLine(lines, n)
	if up.IsZero() {
		return nil, fmt.Errorf("deploy:image v%d: no \"-----> starting v%d … running\" line:\n%s", n, n, joinLines(lines))
	}
	newName, oldName := containerName(app, n), containerName(app, n-1)
	chain := []point{
		{"", start},
		{imageGitdPhases[0], findLine(lines, func(s string) bool { return strings.Contains(s, "-----> "+app+": pulling ") })},
		{imageGitdPhases[1], eventAt(got, ref, events.ActionPull)},
		{imageGitdPhases[2], eventAt(got, build.Tag(app, n), events.ActionTag)},
	}
	if n > 1 {
		chain = append(chain, point{imageGitdPhases[3], eventAt(got, oldName, events.ActionKill)},
			point{imageGitdPhases[4], eventAt(got, oldName, events.ActionDie)})
	}
	return append(chain,
		point{imageGitdPhases[5], eventAt(got, newName, events.ActionCreate)},
		point{imageGitdPhases[6], eventAt(got, newName, events.ActionStart)},
		point{imageGitdPhases[7], up},
		point{imageGitdPhases[8], end}), nil
}

// countLayers counts a pull's layers in its output ("ID: Pull complete",
// "ID: Already exists", with or without "remote: "): those it downloaded
// and those the engine had.
func countLayers(lines []tline) (pulled, present int) {
	seen := map[string]bool{}
	for _, l := range lines {
		id, status, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(l.text), "remote: "), ": ")
		if !ok || strings.Contains(id, " ") || seen[id+status] {
			continue
		}
		switch status {
		case "Pull complete":
			pulled++
		case "Already exists":
			present++
		default:
			continue
		}
		seen[id+status] = true
	}
	return pulled, present
}
