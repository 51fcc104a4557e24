package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/build"
)

// Phases of the swarm redeploy, gitd's from the arrival times of its
// "remote:" lines, the raw side's from its commands' walls.
const (
	swGitdPre     = "gitd: push → 'building' (ssh, pack, checkout, detect)"
	swGitdBuild   = "gitd: build (→ 'Copying … to the registry')"
	swGitdPush    = "gitd: registry push (→ 'Starting … (stop-first)')"
	swGitdUpdate  = "gitd: service update → task running (→ 'Checking …')"
	swGitdCheck   = "gitd: start check (→ '… is running')"
	swGitdAfter   = "gitd: after the check (record, refs, client exit)"
	swGitdWall    = "gitd: git push wall"
	swGitdFromUpd = "gitd: service update + check + after (vs docker service update)"
	swRawBuild    = "raw: docker build"
	swRawPush     = "raw: docker tag + push"
	swRawUpdate   = "raw: docker service update --force --image (to converged)"
	swRawWall     = "raw: build + push + update"
)

var swarmRows = []string{swGitdPre, swGitdBuild, swGitdPush, swGitdUpdate, swGitdCheck, swGitdAfter, swGitdWall,
	swGitdFromUpd, swRawBuild, swRawPush, swRawUpdate, swRawWall}

// rounds deploys both apps once (untimed), then alternates code-only
// redeploys, and prints the medians.
func (b *swarmBench) rounds(warmup, runs int) error {
	gApp, rApp := b.prefix+"-g", b.prefix+"-r"
	if _, err := b.gitdRedeploy(gApp, 1); err != nil {
		return fmt.Errorf("gitd first deploy: %w", err)
	}
	ref, _, err := b.rawImage(rApp, 1)
	if err != nil {
		return fmt.Errorf("raw first build: %w", err)
	}
	if err := b.copyService(gApp, rApp, ref); err != nil {
		return err
	}
	if _, err := b.serviceUpdate(rApp, ref); err != nil {
		return err
	}
	res := map[string][]time.Duration{}
	load0 := loadAvg()
	n := 1
	for i := -warmup; i < runs; i++ {
		n++
		_, label := roundTag(i)
		for _, side := range turns(i, "gitd", "raw") {
			var s map[string]time.Duration
			if side == "gitd" {
				s, err = b.gitdRedeploy(gApp, n)
			} else {
				s, err = b.rawRedeploy(rApp, n)
			}
			if err != nil {
				return fmt.Errorf("%s, %s, v%d: %w", label, side, n, err)
			}
			printSwarmSample(label, side, s)
			if i >= 0 {
				for k, d := range s {
					res[k] = append(res[k], d)
				}
			}
		}
	}
	fmt.Println()
	printSwarmTable(res, runs)
	fmt.Printf("load average: %s at the start, %s at the end\n", load0, loadAvg())
	return nil
}

// gitdRedeploy pushes release n of app (n = 1: a new app) and splits the
// push's wall by the lines gitd printed.
func (b *swarmBench) gitdRedeploy(app string, n int) (map[string]time.Duration, error) {
	dir := filepath.Join(b.work, "gitd", app)
	if err := b.writeBot(dir, app, n); err != nil {
		return nil, err
	}
	g := &gitRepo{dir: dir}
	if n == 1 {
		if err := g.run("init", "-q", "-b", "main"); err != nil {
			return nil, err
		}
	}
	if err := g.commitAll(fmt.Sprintf("v%d", n), n); err != nil {
		return nil, err
	}
	lines, start, end, err := b.timedPush(app, n, dir)
	if err != nil {
		return nil, err
	}
	return gitdSwarmPhases(lines, n, start, end), nil
}

// gitdSwarmPhases splits a push by the points its output shows; a phase
// whose end point is missing is left out.
func gitdSwarmPhases(lines []tline, n int, start, end time.Time) map[string]time.Duration {
	v := fmt.Sprintf("v%d", n)
	at := func(sub string) time.Time {
		return findLine(lines, func(s string) bool { return strings.Contains(s, sub) })
	}
	points := []time.Time{start, at(": building " + v), at("Copying " + v + " to the registry"),
		at("Starting " + v + " (stop-first)"), at("Checking that " + v + " stays up"), at(v + " is running"), end}
	names := []string{swGitdPre, swGitdBuild, swGitdPush, swGitdUpdate, swGitdCheck, swGitdAfter}
	s := map[string]time.Duration{swGitdWall: end.Sub(start)}
	for i, name := range names {
		if !points[i].IsZero() && !points[i+1].IsZero() {
			s[name] = points[i+1].Sub(points[i])
		}
	}
	if !points[3].IsZero() {
		s[swGitdFromUpd] = end.Sub(points[3])
	}
	return s
}

// rawRedeploy builds release n of app by hand, pushes it and updates the
// copied service to it.
func (b *swarmBench) rawRedeploy(app string, n int) (map[string]time.Duration, error) {
	ref, s, err := b.rawImage(app, n)
	if err != nil {
		return nil, err
	}
	if s[swRawUpdate], err = b.serviceUpdate(app, ref); err != nil {
		return nil, err
	}
	s[swRawWall] = s[swRawBuild] + s[swRawPush] + s[swRawUpdate]
	return s, nil
}

// rawImage builds release n of app from the context gitd's builder makes
// of the same code, and pushes it to the registry as app:vN.
func (b *swarmBench) rawImage(app string, n int) (string, map[string]time.Duration, error) {
	dir := filepath.Join(b.work, "raw", app)
	if err := b.writeBot(dir, app, n); err != nil {
		return "", nil, err
	}
	steps, err := b.rawCommands(app, n, dir)
	if err != nil {
		return "", nil, err
	}
	log, err := os.Create(filepath.Join(b.work, "logs", fmt.Sprintf("%s-v%d.raw.log", app, n)))
	if err != nil {
		return "", nil, err
	}
	defer log.Close()
	ref := fmt.Sprintf("%s/%s:v%d", b.reg.Addr, app, n)
	s := map[string]time.Duration{}
	cfg := []string{"--config", b.dockerConfig}
	for _, st := range []rawCmd{steps[0], {swRawPush, []string{"tag", build.Tag(app, n), ref}, nil},
		{swRawPush, append(cfg, "push", "--quiet", ref), nil}} {
		_, _, d, err := runDocker(log, st)
		if err != nil {
			return "", nil, err
		}
		if st.phase == rawBuild {
			st.phase = swRawBuild
		}
		s[st.phase] += d
	}
	return ref, s, nil
}

// serviceUpdate runs the reference: `docker service update` of the raw
// side's service to ref, waiting (as the CLI does without --detach) for
// the update to converge and stay for the monitor window.
func (b *swarmBench) serviceUpdate(app, ref string) (time.Duration, error) {
	log, err := os.OpenFile(filepath.Join(b.work, "logs", app+".update.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, err
	}
	defer log.Close()
	_, _, d, err := runDocker(log, rawCmd{swRawUpdate, []string{"--config", b.dockerConfig, "service", "update",
		"--quiet", "--force", "--with-registry-auth", "--image", ref, b.refService}, nil})
	return d, err
}

// copyService makes the raw side's service: gitd's app's service spec,
// named for rawApp, its labels moved out of botrunner.* (so gitd does not
// supervise it), running ref.
func (b *swarmBench) copyService(gitdApp, rawApp, ref string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f := make(client.Filters).Add("label", "botrunner.app="+gitdApp)
	svcs, err := b.cli.ServiceList(ctx, client.ServiceListOptions{Filters: f})
	if err != nil || len(svcs.Items) != 1 {
		return fmt.Errorf("swarm: gitd's service of %s: %v (%d found)", gitdApp, err, len(svcs.Items))
	}
	spec := svcs.Items[0].Spec
	spec.Name = "pushbench-" + rawApp
	spec.Labels = relabel(spec.Labels)
	cs := *spec.TaskTemplate.ContainerSpec
	cs.Labels, cs.Image = relabel(cs.Labels), ref
	spec.TaskTemplate.ContainerSpec = &cs
	spec.TaskTemplate.ForceUpdate = 0
	auth, err := json.Marshal(map[string]string{"username": b.reg.User, "password": b.reg.Password, "serveraddress": b.reg.Addr})
	if err != nil {
		return err
	}
	if _, err := b.cli.ServiceCreate(ctx, client.ServiceCreateOptions{Spec: spec,
		EncodedRegistryAuth: base64.URLEncoding.EncodeToString(auth)}); err != nil {
		return fmt.Errorf("swarm: create the raw side's service: %w", err)
	}
	b.refService = spec.Name
	return nil
}

func printSwarmSample(label, side string, s map[string]time.Duration) {
	if side == "gitd" {
		fmt.Printf("  %-8s gitd  push %6.2fs  (build %.2fs, registry push %.2fs, update→running %.2fs, check %.2fs)\n",
			label, s[swGitdWall].Seconds(), s[swGitdBuild].Seconds(), s[swGitdPush].Seconds(),
			s[swGitdUpdate].Seconds(), s[swGitdCheck].Seconds())
		return
	}
	fmt.Printf("  %-8s raw   total %5.2fs  (build %.2fs, push %.2fs, service update %.2fs)\n",
		label, s[swRawWall].Seconds(), s[swRawBuild].Seconds(), s[swRawPush].Seconds(), s[swRawUpdate].Seconds())
}

func printSwarmTable(res map[string][]time.Duration, runs int) {
	fmt.Printf("code-only redeploy on swarm, medians of %d (min–max):\n", runs)
	for _, row := range swarmRows {
		if len(res[row]) == 0 {
			continue
		}
		med, lo, hi := medianOf(res[row])
		fmt.Printf("  %-66s %6.2fs  (%.2f–%.2f)\n", row, med.Seconds(), lo.Seconds(), hi.Seconds())
	}
	ratio := func(a, b string) float64 {
		ma, _, _ := medianOf(res[a])
		mb, _, _ := medianOf(res[b])
		return ma.Seconds() / mb.Seconds()
	}
	r := ratio(swGitdWall, swRawWall)
	fmt.Printf("gitd / raw (build + push + service update): %.2f× (goal ≤ %.1f×: %s)\n", r, redeployGoalRatio, metWord(r <= redeployGoalRatio))
	fmt.Printf("gitd's service update + check / docker service update: %.2f×\n", ratio(swGitdFromUpd, swRawUpdate))
	fmt.Printf("gitd's registry push / docker tag + push: %.2f×\n", ratio(swGitdPush, swRawPush))
}
