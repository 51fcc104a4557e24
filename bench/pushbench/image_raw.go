package main

// The raw side of the image benchmark: docker pull, docker stop and
// docker run -d, with the container flags gitd's runtime driver uses
// (captured and translated as in rawdocker.go).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/events"

	"github.com/botrunner/botrunner/auth"
	brt "github.com/botrunner/botrunner/runtime"
)

const rawPull = "docker pull (wall)"

// Phases of the raw image sequence: the commands' walls, and the pull's
// split at the engine's pull event.
var rawImagePhases = []string{
	rawPull,
	"  CLI start, auth, download, extract (→ engine's pull event)",
	"  pull event → CLI exit",
	rawStop,
	rawRun,
}

// rawLogin logs the raw side's docker CLI in to the registry, once and
// untimed, into a config dir of its own (the caller's stays untouched).
func (b *imageBench) rawLogin() error {
	cmd := exec.Command("docker", "--config", b.dockerConfig, "login", "--username", b.reg.User, "--password-stdin", b.reg.Addr)
	cmd.Stdin = strings.NewReader(b.reg.Password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("image: docker login %s: %v: %s", b.reg.Addr, err, out)
	}
	return nil
}

// rawImageCommands is the raw sequence for release n of app: docker pull
// of its ref, docker stop of release n-1 (redeploy only), docker run with
// the request gitd's driver makes.
func (b *imageBench) rawImageCommands(app string, n int) ([]rawCmd, error) {
	ref := b.refs[n-1]
	copts, err := captureCreate(brt.Spec{
		Name: containerName(app, n), Image: ref, Env: b.botEnv,
		Labels: brt.Labels(app, auth.AdminUser, n), Network: b.network, User: botUser,
	})
	if err != nil {
		return nil, err
	}
	copts.Config.Labels = relabel(copts.Config.Labels) // no gitd takes it for its bot (deploy_raw.go)
	rargs, err := runArgs(copts)
	if err != nil {
		return nil, err
	}
	steps := []rawCmd{{rawPull, []string{"pull", ref}, []string{"DOCKER_CONFIG=" + b.dockerConfig}}}
	if n > 1 {
		steps = append(steps, stopStep(b.grace, containerName(app, n-1)))
	}
	return append(steps, rawCmd{rawRun, rargs, nil}), nil
}

// rawImageDeploy pulls, stops the previous release and runs release n of
// app, by hand, and times it.
func (b *imageBench) rawImageDeploy(app string, n int) (dsample, error) {
	steps, err := b.rawImageCommands(app, n)
	if err != nil {
		return dsample{}, err
	}
	if !b.printedRaw && n > 1 {
		b.printedRaw = true
		printRawSequence(steps)
	}
	log, err := os.Create(filepath.Join(b.work, "logs", fmt.Sprintf("%s-v%d.raw.log", app, n)))
	if err != nil {
		return dsample{}, err
	}
	defer log.Close()
	w := b.imageEvents()
	defer w.stop()
	syscall.Sync()
	s := dsample{Phases: map[string]time.Duration{}}
	for _, st := range steps {
		out, t, d, err := runDocker(log, st)
		if err != nil {
			return dsample{}, err
		}
		s.Phases[st.phase] = d
		s.Counted += d
		if st.phase != rawPull {
			continue
		}
		s.Pulled, s.Present = countLayers(out)
		ref := b.refs[n-1]
		if ev := eventAt(w.await([]string{ref + " pull"}, 3*time.Second), ref, events.ActionPull); !ev.IsZero() {
			s.Phases[rawImagePhases[1]], s.Phases[rawImagePhases[2]] = ev.Sub(t), t.Add(d).Sub(ev)
		}
	}
	s.Wall = s.Counted
	return s, nil
}

func printRawSequence(steps []rawCmd) {
	fmt.Println("  raw sequence (container flags made by gitd's runtime driver, translated to the CLI):")
	for _, st := range steps {
		fmt.Printf("    %s\n", dockerCmdline(st.env, st.args))
	}
}
