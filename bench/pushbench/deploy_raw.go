package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/build"
	brt "github.com/botrunner/botrunner/runtime"
)

// rawCmd is one docker command of the raw sequence: the phase it counts
// as, its arguments and the environment the CLI needs.
type rawCmd struct {
	phase     string
	args, env []string
}

// rawDeploy builds, stops the previous release and runs release n, by hand.
func (b *deployBench) rawDeploy(app string, n int, dir string) (dsample, error) {
	steps, err := b.rawCommands(app, n, dir)
	if err != nil {
		return dsample{}, err
	}
	if !b.printedRaw && n > 1 {
		b.printedRaw = true
		fmt.Printf("  raw sequence (made by gitd's builder and runtime driver, translated to the CLI):\n    %s\n    %s\n    %s\n",
			dockerCmdline(steps[0].env, steps[0].args), dockerCmdline(steps[1].env, steps[1].args),
			dockerCmdline(steps[2].env, steps[2].args))
	}

	syscall.Sync()
	log, err := os.Create(filepath.Join(b.work, "logs", fmt.Sprintf("%s-v%d.raw.log", app, n)))
	if err != nil {
		return dsample{}, err
	}
	defer log.Close()
	return runRawSteps(log, steps)
}

// rawCommands is the raw sequence for release n of app: docker build of
// the context gitd's builder makes of dir, docker stop of release n-1
// (redeploy only), and docker run with the request gitd's driver makes.
func (b *deployBench) rawCommands(app string, n int, dir string) ([]rawCmd, error) {
	ctxTar, bopts, err := captureBuild(b.buildOpts, build.Request{App: app, Owner: auth.AdminUser, Release: n, Dir: dir})
	if err != nil {
		return nil, err
	}
	ctxDir := filepath.Join(b.work, "raw-context", fmt.Sprintf("%s-v%d", app, n))
	if err := extractTar(ctxTar, ctxDir); err != nil {
		return nil, err
	}
	copts, err := captureCreate(brt.Spec{
		Name: containerName(app, n), Image: build.Tag(app, n), Env: b.botEnv,
		Labels: brt.Labels(app, auth.AdminUser, n), Network: b.network, User: botUser,
	})
	if err != nil {
		return nil, err
	}
	// A gitd supervises every container labelled botrunner.app on its
	// engine (this run's gitd, and any other on a shared engine): the raw
	// containers carry the same labels under another prefix, so that no
	// gitd takes them for its bots (and, say, restarts one docker stop
	// ended). Same number of labels, same build steps.
	bopts.Labels = relabel(bopts.Labels)
	copts.Config.Labels = relabel(copts.Config.Labels)
	bargs, benv, err := buildArgs(bopts, ctxDir)
	if err != nil {
		return nil, err
	}
	rargs, err := runArgs(copts)
	if err != nil {
		return nil, err
	}
	steps := []rawCmd{{rawBuild, bargs, benv}}
	if n > 1 {
		steps = append(steps, stopStep(b.grace, containerName(app, n-1)))
	}
	return append(steps, rawCmd{rawRun, rargs, nil}), nil
}

// stopStep is `docker stop` of the container name with gitd's stop grace.
func stopStep(grace time.Duration, name string) rawCmd {
	secs := int((grace + time.Second - 1) / time.Second) // as runtime/docker's Stop rounds
	return rawCmd{rawStop, []string{"stop", "-t", strconv.Itoa(secs), name}, nil}
}

// runRawSteps runs the raw sequence, each command's output logged to log,
// and times it.
func runRawSteps(log io.Writer, steps []rawCmd) (dsample, error) {
	s := dsample{Phases: map[string]time.Duration{}}
	var buildOut []tline
	for _, st := range steps {
		out, t, d, err := runDocker(log, st)
		if err != nil {
			return dsample{}, err
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

// runDocker runs one docker command of the raw sequence and logs it. It
// returns the lines of its stdout as they arrived, when it started and how
// long it ran.
func runDocker(log io.Writer, st rawCmd) ([]tline, time.Time, time.Duration, error) {
	cmd := exec.Command("docker", st.args...)
	cmd.Env = append(os.Environ(), st.env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, time.Time{}, 0, err
	}
	t := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, t, 0, err
	}
	out := readLines(pipe) // timestamps each line as it comes
	err = cmd.Wait()
	d := time.Since(t)
	fmt.Fprintf(log, "$ %s\n(%.3fs)\n%s%s\n", dockerCmdline(st.env, st.args), d.Seconds(), joinLines(out), stderr.String())
	if err != nil {
		return nil, t, d, fmt.Errorf("%s: %v\n%s%s", dockerCmdline(st.env, st.args), err, joinLines(out), stderr.String())
	}
	return out, t, d, nil
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
