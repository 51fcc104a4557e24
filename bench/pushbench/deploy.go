package main

// pushbench deploy: deploy latency of a bot pushed to gitd (GITD_RUNTIME=
// docker), against the raw docker sequence a person would type for the
// same result, measured side by side in the same run.
//
// gitd: `git push` of the bot to a new app (first deploy), then of a commit
// that changes one line of handlers.py (code-only redeploy). Counted: the
// push's wall time minus the configured start check (gitd holds the new
// container for exactly that long before it answers; that wait is reported
// separately, measured, and not counted).
//
// raw: `DOCKER_BUILDKIT=0 docker build` of the same context (gitd's own
// builder makes it, with the synthesized Dockerfile; see rawdocker.go),
// `docker stop` of the previous container (redeploy only), `docker run -d`
// with the create request gitd's runtime driver makes. Counted: the three
// commands' wall times. (Its label keys say pushbench.raw.* instead of
// botrunner.*, so no gitd on the engine takes its containers for bots.)
//
// The sides take turns deploy by deploy, and who goes first alternates by
// round. Where gitd's time goes comes from the arrival times of its
// "remote:" lines and the engine's container events (same clock).
//
// Every deploy gets code of its own (the app's name in a line of
// handlers.py; for first deploys in requirements.txt too), so neither side
// ever builds from the other's cache: a first deploy builds the deps layer,
// a redeploy reuses its own app's deps layer, as a real one would. Layers
// made from the base image alone (ENV, WORKDIR, useradd) come from the cache
// for both, as on any server that has built a bot before.

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/build"
	brt "github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/docker"
)

// botUser is the user gitd runs bots as (hooks.Config.User's default; the
// container comparison at the end checks the two sides agree).
const botUser = "10001:10001"

// editFile and editLine: the one line a code-only redeploy changes.
const editFile = "handlers.py"

var editLine = regexp.MustCompile(`(?m)^GREETING = .*$`)

// The deploy kinds, in the order they run for one app.
const (
	kindFirst    = "first deploy"
	kindRedeploy = "code-only redeploy"
)

var kinds = []string{kindFirst, kindRedeploy}

// Goals from the issue, for context: nothing fails on them.
const (
	redeployGoalSeconds = 1.5
	redeployGoalRatio   = 1.2
)

// Phases of a gitd deploy, between consecutive points in time (client-side
// line arrivals and engine events, same clock: the engine is local).
var gitdPhases = []string{
	"push → 'building' (ssh, pack, checkout, detect)",
	"build context tar (→ 'Sending build context')",
	"context upload, engine start (→ 'Step 1/n')",
	"build steps (→ 'Successfully built')",
	"tag, image inspect, list (→ old killed)",
	"stop old: SIGTERM → exit",
	"→ new created ([tag, list,] stop returns, rm leftover, create)",
	"→ new started (inspect, wait, start)",
	"start check (NOT counted; measured)",
	"after check (rm old, record, refs, report, client exit)",
}

// Phases of the raw sequence: the three commands' walls, and the build's
// split by its output like gitd's.
const (
	rawBuild = "docker build (wall)"
	rawStop  = "docker stop"
	rawRun   = "docker run -d"
)

var rawPhases = []string{
	rawBuild,
	"  CLI start, context tar, upload (→ 'Step 1/n')",
	"  build steps (→ 'Successfully built')",
	"  tag, CLI exit",
	rawStop,
	rawRun,
}

// dsample is one measured deploy.
type dsample struct {
	Counted time.Duration            // what the comparison uses
	Wall    time.Duration            // gitd: the whole push; raw: = Counted
	Check   time.Duration            // gitd: measured start check (start event → "running" line)
	Phases  map[string]time.Duration // absent = not applicable or not seen
	Steps   int                      // build steps that ran (not from the cache)
	// StepTimes: each build step's time, from its "Step i/n" line to the
	// next step's (or "Successfully built"), as the output arrived.
	StepTimes map[string]time.Duration
	StepOrder []string
	// Outside: Counted minus the build steps' span ("Step 1/n" line to
	// "Successfully built"): what is not the engine running the steps.
	Outside time.Duration
}

type deployBench struct {
	src, work, sshCmd, gitdAddr, network string
	botEnv                               []string
	check, grace                         time.Duration
	buildOpts                            build.Options
	cli                                  *client.Client
	files                                map[string][]byte // the bot, by slash path
	printedRaw                           bool
}

func deployMain(args []string) error {
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	src := fs.String("src", "examples/bots/multi_file_bot", "the bot to deploy")
	work := fs.String("work", "", "scratch directory (repos, contexts, logs)")
	key := fs.String("key", "", "client private key (an admin of gitd)")
	gitdAddr := fs.String("gitd-addr", "", "gitd's host:port (gitd runs with GITD_RUNTIME=docker)")
	base := fs.String("base-image", "", "GITD_BASE_IMAGE gitd runs with")
	netw := fs.String("network", "", "GITD_DOCKER_NETWORK gitd runs with (it must exist)")
	prefix := fs.String("prefix", "", "app name prefix, unique to this run (e.g. bench-1a2b3c4d)")
	botEnv := fs.String("bot-env", "", "GITD_BOT_ENV gitd runs with (KEY=VALUE,...)")
	check := fs.Duration("start-check", time.Second, "GITD_START_CHECK gitd runs with")
	grace := fs.Duration("stop-grace", 10*time.Second, "GITD_STOP_GRACE gitd runs with")
	runs := fs.Int("runs", 5, "measured first deploys + redeploys per side")
	warmup := fs.Int("warmup", 1, "unmeasured rounds first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for name, v := range map[string]string{"-work": *work, "-key": *key, "-gitd-addr": *gitdAddr,
		"-base-image": *base, "-network": *netw, "-prefix": *prefix} {
		if v == "" {
			return fmt.Errorf("deploy: %s is required", name)
		}
	}
	if *runs < 1 || *warmup < 0 || *check <= 0 {
		return fmt.Errorf("deploy: want -runs ≥ 1, -warmup ≥ 0, -start-check > 0")
	}
	// Longest app name: prefix + "-gw9" must stay a valid app name (≤ 40).
	if len(*prefix) > 34 {
		return fmt.Errorf("deploy: -prefix %q is too long", *prefix)
	}
	cli, err := docker.NewClient()
	if err != nil {
		return err
	}
	defer cli.Close()
	files, err := readTree(*src)
	if err != nil {
		return err
	}
	if !editLine.Match(files[editFile]) {
		return fmt.Errorf("deploy: %s/%s has no line matching %s to change", *src, editFile, editLine)
	}
	var env []string
	for _, kv := range strings.Split(*botEnv, ",") {
		if kv = strings.TrimSpace(kv); kv != "" {
			env = append(env, kv)
		}
	}
	b := &deployBench{
		src: *src, work: *work, gitdAddr: *gitdAddr, network: *netw, botEnv: env,
		check: *check, grace: *grace, cli: cli, files: files,
		sshCmd: fmt.Sprintf("ssh -F /dev/null -i %s -o IdentitiesOnly=yes -o BatchMode=yes "+
			"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR", *key),
		// What cmd/gitd gives the builder when only GITD_BASE_IMAGE is set.
		buildOpts: build.Options{BaseImage: *base, BuildArgs: map[string]string{"BASE_IMAGE": *base}},
	}
	for _, d := range []string{"gitd", "raw", "raw-context", "logs"} {
		if err := os.MkdirAll(filepath.Join(*work, d), 0o755); err != nil {
			return err
		}
	}

	fmt.Printf("deploy benchmark: %s (%d files), gitd at %s vs the raw docker sequence; %d warm-up + %d measured rounds\n",
		*src, len(files), *gitdAddr, *warmup, *runs)
	fmt.Printf("base image %s, bot network %s, start check %s (gitd counts: push wall − %s), stop grace %s\n",
		*base, *netw, *check, *check, *grace)
	fmt.Println()

	res := map[string]map[string][]dsample{}
	for _, k := range kinds {
		res[k] = map[string][]dsample{}
	}
	load0 := loadAvg()
	compared := false
	for i := -*warmup; i < *runs; i++ {
		tag := strconv.Itoa(i + 1)
		label := "run " + tag
		if i < 0 {
			tag, label = "w"+strconv.Itoa(-i), "warm-up"
		}
		// The two sides take turns deploy by deploy (A first, B first, A
		// redeploy, B redeploy), so each pair runs close in time, and who
		// goes first alternates by round: neither always builds into the
		// other's leftovers (page cache, dirty layers, a busy engine).
		sides := []string{"gitd", "raw"}
		if i%2 != 0 {
			sides = []string{"raw", "gitd"}
		}
		apps := map[string]string{}
		for _, side := range sides {
			apps[side] = fmt.Sprintf("%s-%c%s", *prefix, side[0], tag)
		}
		for n, kind := range kinds {
			for _, side := range sides {
				var s dsample
				var err error
				if side == "gitd" {
					s, err = b.gitdStep(apps[side], n+1)
				} else {
					s, err = b.rawStep(apps[side], n+1)
				}
				if err != nil {
					b.removeContainers(apps)
					return fmt.Errorf("%s, %s, %s: %w", label, side, kind, err)
				}
				if i >= 0 {
					res[kind][side] = append(res[kind][side], s)
				}
				printSample(label, side, kind, s, b.check)
			}
		}
		if !compared && i >= 0 {
			compared = true
			b.compare(apps["gitd"], apps["raw"])
		}
		b.removeContainers(apps)
	}
	fmt.Println()
	printDeployTable(res, *runs, b.check)
	fmt.Printf("load average: %s at the start, %s at the end (%d cores; other tenants of the engine count too)\n",
		load0, loadAvg(), runtime.NumCPU())
	return nil
}

// gitdStep deploys release n of app through gitd: n = 1 pushes the bot to
// a new app (first deploy), n = 2 a commit changing one line (redeploy).
func (b *deployBench) gitdStep(app string, n int) (dsample, error) {
	dir := filepath.Join(b.work, "gitd", app)
	if err := b.writeBot(dir, app, n); err != nil {
		return dsample{}, err
	}
	g := &gitRepo{dir: dir}
	if n == 1 {
		if err := g.run("init", "-q", "-b", "main"); err != nil {
			return dsample{}, err
		}
	}
	if err := g.commitAll(fmt.Sprintf("v%d", n), n); err != nil {
		return dsample{}, err
	}
	return b.gitdDeploy(app, n, dir)
}

// rawStep does the same by hand.
func (b *deployBench) rawStep(app string, n int) (dsample, error) {
	dir := filepath.Join(b.work, "raw", app)
	if err := b.writeBot(dir, app, n); err != nil {
		return dsample{}, err
	}
	return b.rawDeploy(app, n, dir)
}

// writeBot writes release n of app's code into dir: the bot as it is, with
// the app's name in handlers.py's GREETING line (and, for n = 1, in a
// comment of requirements.txt, so each app's deps layer is its own).
func (b *deployBench) writeBot(dir, app string, n int) error {
	for name, data := range b.files {
		switch name {
		case editFile:
			data = editLine.ReplaceAll(data, []byte(fmt.Sprintf("GREETING = %q",
				fmt.Sprintf("Hello from a multi-file bot! (%s, release %d)", app, n))))
		case "requirements.txt":
			data = append(bytes.Clone(data), fmt.Sprintf("# pushbench deploy: %s\n", app)...)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// tline is one line of the push's stderr and when it arrived.
type tline struct {
	at   time.Time
	text string
}

// gitdDeploy pushes release n of app and takes the timeline apart.
func (b *deployBench) gitdDeploy(app string, n int, dir string) (dsample, error) {
	evs, err := b.watch(app)
	if err != nil {
		return dsample{}, err
	}
	defer evs.stop()
	syscall.Sync()
	url := fmt.Sprintf("ssh://git@%s/%s", b.gitdAddr, app)
	cmd := exec.Command("git", "push", "--no-verify", url, "HEAD:refs/heads/main")
	cmd.Dir = dir
	cmd.Env = append(gitEnv(), "GIT_SSH_COMMAND="+b.sshCmd)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return dsample{}, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return dsample{}, err
	}
	lines := readLines(pipe)
	err = cmd.Wait()
	end := time.Now()
	log := filepath.Join(b.work, "logs", fmt.Sprintf("%s-v%d.push.log", app, n))
	_ = os.WriteFile(log, []byte(joinLines(lines)), 0o644)
	if err != nil {
		return dsample{}, fmt.Errorf("git push v%d: %v\n%s", n, err, joinLines(lines))
	}

	newName := fmt.Sprintf("botrunner-%s-v%d", app, n)
	oldName := fmt.Sprintf("botrunner-%s-v%d", app, n-1)
	want := []string{newName + " start"}
	if n > 1 {
		want = append(want, oldName+" destroy")
	}
	got := evs.await(want, 3*time.Second)
	ev := func(name string, a events.Action) time.Time {
		for _, e := range got {
			if e.Actor.Attributes["name"] == name && e.Action == a {
				return time.Unix(0, e.TimeNano)
			}
		}
		return time.Time{}
	}
	find := func(pred func(string) bool) time.Time {
		for _, l := range lines {
			if pred(l.text) {
				return l.at
			}
		}
		return time.Time{}
	}
	building := find(func(s string) bool { return strings.Contains(s, "-----> "+app+": building v") })
	sending := find(func(s string) bool { return strings.Contains(s, "Sending build context") })
	up := find(func(s string) bool {
		return strings.Contains(s, fmt.Sprintf("-----> starting v%d ", n)) && strings.Contains(s, "running")
	})
	if up.IsZero() {
		return dsample{}, fmt.Errorf("push v%d: no \"-----> starting v%d … running\" line:\n%s", n, n, joinLines(lines))
	}
	stepsFrom := find(func(s string) bool { return strings.HasPrefix(s, "remote: Step ") })
	stepsTo := find(func(s string) bool { return strings.HasPrefix(s, "remote: Successfully built") })
	// The chain of points; a phase is the time between two that were seen.
	type point struct {
		phase string
		at    time.Time
	}
	chain := []point{
		{"", start},
		{gitdPhases[0], building},
		{gitdPhases[1], sending},
		{gitdPhases[2], stepsFrom},
		{gitdPhases[3], stepsTo},
	}
	if n > 1 {
		chain = append(chain, point{gitdPhases[4], ev(oldName, events.ActionKill)},
			point{gitdPhases[5], ev(oldName, events.ActionDie)})
	}
	chain = append(chain,
		point{gitdPhases[6], ev(newName, events.ActionCreate)},
		point{gitdPhases[7], ev(newName, events.ActionStart)},
		point{gitdPhases[8], up},
		point{gitdPhases[9], end})
	s := dsample{Wall: end.Sub(start), Counted: end.Sub(start) - b.check,
		Phases: map[string]time.Duration{}, Steps: countSteps(lines)}
	s.StepOrder, s.StepTimes = stepTimes(lines)
	s.Outside = s.Counted - stepsSpan(lines)
	prev := chain[0].at
	for _, p := range chain[1:] {
		if p.at.IsZero() || prev.IsZero() {
			prev = p.at
			continue
		}
		s.Phases[p.phase] = p.at.Sub(prev)
		prev = p.at
	}
	s.Check = s.Phases[gitdPhases[8]]
	return s, nil
}

// rawDeploy builds, stops the previous release and runs release n, by hand.
func (b *deployBench) rawDeploy(app string, n int, dir string) (dsample, error) {
	ctxTar, bopts, err := captureBuild(b.buildOpts, build.Request{App: app, Owner: auth.AdminUser, Release: n, Dir: dir})
	if err != nil {
		return dsample{}, err
	}
	ctxDir := filepath.Join(b.work, "raw-context", fmt.Sprintf("%s-v%d", app, n))
	if err := extractTar(ctxTar, ctxDir); err != nil {
		return dsample{}, err
	}
	var bargs, benv []string
	copts, err := captureCreate(brt.Spec{
		Name: fmt.Sprintf("botrunner-%s-v%d", app, n), Image: build.Tag(app, n), Env: b.botEnv,
		Labels: brt.Labels(app, auth.AdminUser, n), Network: b.network, User: botUser,
	})
	if err != nil {
		return dsample{}, err
	}
	// A gitd supervises every container labelled botrunner.app on its
	// engine (this run's gitd, and any other on a shared engine): the raw
	// containers carry the same labels under another prefix, so that no
	// gitd takes them for its bots (and, say, restarts one docker stop
	// ended). Same number of labels, same build steps.
	bopts.Labels = relabel(bopts.Labels)
	copts.Config.Labels = relabel(copts.Config.Labels)
	bargs, benv, err = buildArgs(bopts, ctxDir)
	if err != nil {
		return dsample{}, err
	}
	rargs, err := runArgs(copts)
	if err != nil {
		return dsample{}, err
	}
	secs := int((b.grace + time.Second - 1) / time.Second) // as runtime/docker's Stop rounds
	sargs := []string{"stop", "-t", strconv.Itoa(secs), fmt.Sprintf("botrunner-%s-v%d", app, n-1)}
	if !b.printedRaw && n > 1 {
		b.printedRaw = true
		fmt.Printf("  raw sequence (made by gitd's builder and runtime driver, translated to the CLI):\n    %s\n    %s\n    %s\n",
			dockerCmdline(benv, bargs), dockerCmdline(nil, sargs), dockerCmdline(nil, rargs))
	}

	syscall.Sync()
	log, err := os.Create(filepath.Join(b.work, "logs", fmt.Sprintf("%s-v%d.raw.log", app, n)))
	if err != nil {
		return dsample{}, err
	}
	defer log.Close()
	s := dsample{Phases: map[string]time.Duration{}}
	var buildOut []tline
	type step struct {
		phase     string
		args, env []string
	}
	steps := []step{{rawBuild, bargs, benv}}
	if n > 1 {
		steps = append(steps, step{rawStop, sargs, nil})
	}
	steps = append(steps, step{rawRun, rargs, nil})
	for _, st := range steps {
		cmd := exec.Command("docker", st.args...)
		cmd.Env = append(os.Environ(), st.env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		pipe, err := cmd.StdoutPipe()
		if err != nil {
			return dsample{}, err
		}
		t := time.Now()
		if err := cmd.Start(); err != nil {
			return dsample{}, err
		}
		out := readLines(pipe) // timestamps each line as it comes
		err = cmd.Wait()
		d := time.Since(t)
		fmt.Fprintf(log, "$ %s\n(%.3fs)\n%s%s\n", dockerCmdline(st.env, st.args), d.Seconds(), joinLines(out), stderr.String())
		if err != nil {
			return dsample{}, fmt.Errorf("%s: %v\n%s%s", dockerCmdline(st.env, st.args), err, joinLines(out), stderr.String())
		}
		if st.phase == rawBuild {
			buildOut = out
			from, to := firstLine(out, "Step "), firstLine(out, "Successfully built")
			if !from.IsZero() && !to.IsZero() {
				s.Phases[rawPhases[1]] = from.Sub(t)
				s.Phases[rawPhases[2]] = to.Sub(from)
				s.Phases[rawPhases[3]] = t.Add(d).Sub(to)
			}
		}
		s.Phases[st.phase] = d
		s.Counted += d
	}
	s.Wall = s.Counted
	s.Steps = countSteps(buildOut)
	s.StepOrder, s.StepTimes = stepTimes(buildOut)
	s.Outside = s.Counted - stepsSpan(buildOut)
	return s, nil
}

// rawLabelPrefix replaces "botrunner." in the raw side's label keys.
const rawLabelPrefix = "pushbench.raw."

func relabel(labels map[string]string) map[string]string {
	out := make(map[string]string, len(labels))
	for k, v := range labels {
		if rest, ok := strings.CutPrefix(k, "botrunner."); ok {
			k = rawLabelPrefix + rest
		}
		out[k] = v
	}
	return out
}

// countSteps counts the build steps that ran rather than came from the
// cache: "Step i/n" lines not followed by " ---> Using cache", FROM aside.
func countSteps(lines []tline) int {
	ran, inStep := 0, false
	for _, l := range lines {
		t := strings.TrimPrefix(strings.TrimSpace(l.text), "remote: ")
		switch {
		case strings.HasPrefix(t, "Step "):
			if inStep {
				ran++
			}
			// FROM never says "Using cache"; it is no step that runs.
			_, instr, _ := strings.Cut(t, " : ")
			inStep = !strings.HasPrefix(instr, "FROM ")
		case strings.Contains(t, "Using cache"):
			inStep = false
		}
	}
	if inStep {
		ran++
	}
	return ran
}

var labelValue = regexp.MustCompile(`^(LABEL [^=]+=).*`)

// stepTimes times each build step of a build's output: from its "Step i/n"
// line to the next one's, the last to "Successfully built". Steps are named
// by their instruction (label values and long commands cut short).
func stepTimes(lines []tline) ([]string, map[string]time.Duration) {
	var order []string
	times := map[string]time.Duration{}
	cur, at := "", time.Time{}
	for _, l := range lines {
		t := strings.TrimPrefix(strings.TrimSpace(l.text), "remote: ")
		_, instr, isStep := strings.Cut(t, " : ")
		isStep = isStep && strings.HasPrefix(t, "Step ")
		if !isStep && !strings.HasPrefix(t, "Successfully built") {
			continue
		}
		if cur != "" {
			times[cur] += l.at.Sub(at)
		}
		cur, at = "", time.Time{}
		if isStep {
			instr = labelValue.ReplaceAllString(strings.ReplaceAll(instr, rawLabelPrefix, "botrunner."), "$1…")
			if len(instr) > 44 {
				instr = instr[:43] + "…"
			}
			cur, at = instr, l.at
			order = append(order, instr)
		}
	}
	return order, times
}

// stepsSpan is the time from the first "Step i/n" line to "Successfully
// built": the engine running the build steps, as the output shows it.
func stepsSpan(lines []tline) time.Duration {
	first, last := firstLine(lines, "Step "), firstLine(lines, "Successfully built")
	if first.IsZero() || last.IsZero() {
		return 0
	}
	return last.Sub(first)
}

// firstLine is when the first line starting with prefix (after any
// "remote: ") arrived; zero if none did.
func firstLine(lines []tline, prefix string) time.Time {
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimPrefix(strings.TrimSpace(l.text), "remote: "), prefix) {
			return l.at
		}
	}
	return time.Time{}
}

// readLines reads r to its end, splitting at \n and \r (git's progress),
// and notes when each line arrived.
func readLines(r io.Reader) []tline {
	var out []tline
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
			return i + 1, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			out = append(out, tline{at: time.Now(), text: t})
		}
	}
	return out
}

func joinLines(lines []tline) string {
	var b strings.Builder
	var t0 time.Time
	for _, l := range lines {
		if t0.IsZero() {
			t0 = l.at
		}
		fmt.Fprintf(&b, "%+8.3fs %s\n", l.at.Sub(t0).Seconds(), l.text)
	}
	return b.String()
}

// eventWatch collects an app's container events while a push runs.
type eventWatch struct {
	cancel context.CancelFunc
	mu     sync.Mutex
	got    []events.Message
	more   chan struct{}
	done   chan struct{}
}

// watch subscribes to the container events of app's containers. The
// subscription is in place when it returns.
func (b *deployBench) watch(app string) (*eventWatch, error) {
	ctx, cancel := context.WithCancel(context.Background())
	res := b.cli.Events(ctx, client.EventsListOptions{Filters: make(client.Filters).
		Add("type", "container").Add("label", brt.LabelApp+"="+app)})
	w := &eventWatch{cancel: cancel, more: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case m := <-res.Messages:
				w.mu.Lock()
				w.got = append(w.got, m)
				w.mu.Unlock()
				select {
				case w.more <- struct{}{}:
				default:
				}
			case <-res.Err:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return w, nil
}

// await waits until events "NAME ACTION" in want have all arrived (or
// limit passes) and returns everything seen so far.
func (w *eventWatch) await(want []string, limit time.Duration) []events.Message {
	deadline := time.After(limit)
	for {
		w.mu.Lock()
		seen := map[string]bool{}
		for _, e := range w.got {
			seen[e.Actor.Attributes["name"]+" "+string(e.Action)] = true
		}
		got := slices.Clone(w.got)
		w.mu.Unlock()
		all := true
		for _, k := range want {
			all = all && seen[k]
		}
		if all {
			return got
		}
		select {
		case <-w.more:
		case <-deadline:
			return got
		}
	}
}

func (w *eventWatch) stop() {
	w.cancel()
	<-w.done
}

// removeContainers removes the bot containers of a round's apps (untimed).
// Images stay until bench/run.sh removes them all at the end: one may be
// the cache parent of a build that is still to come.
func (b *deployBench) removeContainers(apps map[string]string) {
	for _, app := range apps {
		out, _ := exec.Command("docker", "ps", "-aq", "--filter", "name=botrunner-"+app+"-v").Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			if out, err := exec.Command("docker", append([]string{"rm", "-f"}, ids...)...).CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "pushbench: remove containers of %s: %v: %s\n", app, err, out)
			}
		}
	}
}

// compare shows that both sides ran the same thing: the running containers'
// settings as the engine reports them, and the images' build steps.
func (b *deployBench) compare(gitdApp, rawApp string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	view := func(app string) (map[string]string, error) {
		in, err := b.cli.ContainerInspect(ctx, fmt.Sprintf("botrunner-%s-v2", app), client.ContainerInspectOptions{})
		if err != nil {
			return nil, err
		}
		return containerView(in.Container), nil
	}
	g, err1 := view(gitdApp)
	r, err2 := view(rawApp)
	if err1 != nil || err2 != nil {
		fmt.Printf("  (cannot compare the containers: %v %v)\n", err1, err2)
		return
	}
	var same, diff []string
	for _, k := range slices.Sorted(maps.Keys(g)) {
		if g[k] == r[k] {
			same = append(same, k)
		} else {
			diff = append(diff, fmt.Sprintf("%s: gitd %s, raw %s", k, g[k], r[k]))
		}
	}
	if len(diff) == 0 {
		fmt.Printf("  check: gitd's and the raw container agree on %s (raw label keys are pushbench.raw.*, not botrunner.*)\n", strings.Join(same, ", "))
	} else {
		fmt.Printf("  check: gitd's and the raw container DIFFER: %s (agree on %s)\n", strings.Join(diff, "; "), strings.Join(same, ", "))
	}
	gh, err1 := history(build.Tag(gitdApp, 2))
	rh, err2 := history(build.Tag(rawApp, 2))
	switch {
	case err1 != nil || err2 != nil:
		fmt.Printf("  (cannot compare the images: %v %v)\n", err1, err2)
	case slices.Equal(gh, rh):
		fmt.Printf("  check: gitd's and the raw image have the same %d history entries (COPY sources and label values aside)\n", len(gh))
	default:
		fmt.Printf("  check: gitd's and the raw image histories DIFFER:\n    gitd: %s\n    raw:  %s\n",
			strings.Join(gh, " | "), strings.Join(rh, " | "))
	}
}

func containerView(c container.InspectResponse) map[string]string {
	m := map[string]string{}
	if hc := c.HostConfig; hc != nil {
		pids := "unset"
		if hc.PidsLimit != nil {
			pids = strconv.FormatInt(*hc.PidsLimit, 10)
		}
		m["memory"] = strconv.FormatInt(hc.Memory, 10)
		m["memory-swap"] = strconv.FormatInt(hc.MemorySwap, 10)
		m["cpus"] = strconv.FormatInt(hc.NanoCPUs, 10)
		m["pids"] = pids
		m["read-only"] = strconv.FormatBool(hc.ReadonlyRootfs)
		m["tmpfs"] = fmt.Sprint(hc.Tmpfs)
		m["cap-drop"] = fmt.Sprint(hc.CapDrop)
		m["cap-add"] = fmt.Sprint(hc.CapAdd)
		m["security-opt"] = fmt.Sprint(hc.SecurityOpt)
		m["log"] = hc.LogConfig.Type + fmt.Sprint(hc.LogConfig.Config)
		m["restart"] = string(hc.RestartPolicy.Name)
		m["privileged"] = strconv.FormatBool(hc.Privileged)
		m["binds"] = fmt.Sprint(hc.Binds)
	}
	m["mounts"] = strconv.Itoa(len(c.Mounts))
	if cfg := c.Config; cfg != nil {
		env := slices.Sorted(slices.Values(cfg.Env))
		m["user"] = cfg.User
		m["env"] = strings.Join(env, " ")
		m["cmd"] = fmt.Sprint(cfg.Cmd)
		m["entrypoint"] = fmt.Sprint(cfg.Entrypoint)
		var keys []string // the raw side's pushbench.raw.* read as botrunner.*
		for k := range cfg.Labels {
			if rest, ok := strings.CutPrefix(k, rawLabelPrefix); ok {
				k = "botrunner." + rest
			}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		m["label keys"] = fmt.Sprint(keys)
	}
	if ns := c.NetworkSettings; ns != nil {
		var nets []string
		for name := range ns.Networks {
			nets = append(nets, name)
		}
		sort.Strings(nets)
		m["networks"] = fmt.Sprint(nets)
	}
	return m
}

var (
	historyHash  = regexp.MustCompile(`\b(file|dir):[0-9a-f]{64}\b`)
	historyLabel = regexp.MustCompile(`LABEL .*(botrunner|pushbench\.raw)\..*`)
)

// history is an image's build steps, with what differs by design (COPY
// source hashes: each app's code is its own; label values) blanked out.
func history(ref string) ([]string, error) {
	out, err := exec.Command("docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", ref).Output()
	if err != nil {
		return nil, fmt.Errorf("docker history %s: %w", ref, err)
	}
	var h []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		l = historyHash.ReplaceAllString(l, "$1:…")
		l = historyLabel.ReplaceAllString(l, "LABEL botrunner.*")
		h = append(h, l)
	}
	return h, nil
}

// readTree reads the bot's files (no .git, no __pycache__).
func readTree(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "__pycache__") {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("%s: no files", dir)
	}
	return files, err
}

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

func medianOf(ds []time.Duration) (med, lo, hi time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return median(s), s[0], s[len(s)-1]
}

func printDeployTable(res map[string]map[string][]dsample, runs int, check time.Duration) {
	fmt.Printf("%-19s %-5s %4s  %9s  %-17s  %8s  %s\n", "deploy", "side", "runs", "median", "(min–max)", "gitd/raw", "goal")
	meds := map[string]map[string]time.Duration{}
	for _, k := range kinds {
		meds[k] = map[string]time.Duration{}
		for _, side := range []string{"gitd", "raw"} {
			var ds []time.Duration
			for _, s := range res[k][side] {
				ds = append(ds, s.Counted)
			}
			med, lo, hi := medianOf(ds)
			meds[k][side] = med
			ratio, goal := "", ""
			if side == "raw" {
				r := meds[k]["gitd"].Seconds() / med.Seconds()
				ratio = fmt.Sprintf("%.2f", r)
				if k == kindRedeploy {
					goal = fmt.Sprintf("≤ %.1f× raw: %s; ≤ %.1f s: %s", redeployGoalRatio, metWord(r <= redeployGoalRatio),
						redeployGoalSeconds, metWord(meds[k]["gitd"].Seconds() <= redeployGoalSeconds))
				}
			}
			fmt.Printf("%-19s %-5s %4d  %8.3fs  (%.3f–%.3f)  %8s  %s\n", k, side, len(ds), med.Seconds(), lo.Seconds(), hi.Seconds(), ratio, goal)
		}
		var out [2]time.Duration
		for j, side := range []string{"gitd", "raw"} {
			var ds []time.Duration
			for _, s := range res[k][side] {
				ds = append(ds, s.Outside)
			}
			out[j], _, _ = medianOf(ds)
		}
		fmt.Printf("  %s outside the build steps: gitd %.3fs, raw %.3fs (gitd/raw %.2f)\n",
			k, out[0].Seconds(), out[1].Seconds(), out[0].Seconds()/out[1].Seconds())
	}
	fmt.Printf("\nwhere the time goes (medians of each phase, seconds; phases' medians need not add up to the total's)\n")
	fmt.Printf("%-70s %14s %20s\n", "", kindFirst, kindRedeploy)
	row := func(side, phase string) {
		cells := make([]string, 0, 2)
		for _, k := range kinds {
			var ds []time.Duration
			for _, s := range res[k][side] {
				if d, ok := s.Phases[phase]; ok {
					ds = append(ds, d)
				}
			}
			if len(ds) == 0 {
				cells = append(cells, "–")
				continue
			}
			m, _, _ := medianOf(ds)
			cells = append(cells, fmt.Sprintf("%.3f", m.Seconds()))
		}
		fmt.Printf("%-5s %-64s %14s %20s\n", side, phase, cells[0], cells[1])
	}
	for _, p := range gitdPhases {
		row("gitd", p)
	}
	for _, p := range rawPhases {
		row("raw", p)
	}
	fmt.Printf("\nbuild steps (medians, seconds, from the arrival of each \"Step i/n\" line to the next; 0.000 = from the cache)\n")
	fmt.Printf("%-46s %10s %10s %10s %10s\n", "", "first gitd", "first raw", "redep gitd", "redep raw")
	var order []string
	for _, k := range kinds {
		for _, side := range []string{"gitd", "raw"} {
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
			for _, side := range []string{"gitd", "raw"} {
				var ds []time.Duration
				for _, smp := range res[k][side] {
					if d, ok := smp.StepTimes[st]; ok {
						ds = append(ds, d)
					}
				}
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
