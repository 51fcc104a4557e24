package main

// pushbench swarm: a code-only redeploy through gitd with GITD_SCHEDULER=
// swarm, against the raw sequence a person would type for the same result
// on the same Swarm, measured side by side in the same run.
//
// Set-up (untimed): the engine becomes a single-node swarm manager
// (testenv.JoinSwarm: `docker swarm init --advertise-addr 127.0.0.1` only
// if it is in none, left again at the end), a distribution registry runs
// on 127.0.0.1 (testenv's, htpasswd login), and pushbench starts gitd with
// GITD_SCHEDULER=swarm and that registry. One bot is pushed to gitd (first
// deploy), and the raw side's app is built, pushed and run as a service
// whose spec is a copy of gitd's service's spec (same flags: hardening,
// limits, update config, network), only named and labelled apart so that
// gitd does not take it for one of its bots.
//
// gitd: `git push` of a commit changing one line of handlers.py (the build
// reuses the deps layer). Counted: the push's wall time, start check
// included (gitd answers once the new task has run for GITD_START_CHECK).
//
// raw: `docker build` of the same context (made by gitd's builder),
// `docker push` to the same registry, `docker service update --force
// --with-registry-auth --image REF` of the copied service. The CLI waits
// for the update to converge: the task running, then the spec's monitor
// window, which gitd sets to the start check (scheduler/swarm's
// updateConfig). So both sides end at the same state: the new task up for
// the start check. Counted: the three commands' walls; the update alone is
// the reference ("service update of the same image").
//
// The sides take turns, who goes first alternating by round.

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/testsupport/testenv"
)

type swarmBench struct {
	*deployBench
	gitdBin, dataDir, keyPub, prefix string
	reg                              *testenv.Registry
	leave                            func(context.Context) error
	gitd                             *exec.Cmd
	dockerConfig                     string // the raw side's CLI config (its registry login)
	refService                       string // the raw side's service
	once                             sync.Once
}

func swarmMain(args []string) error {
	f, gitdBin, err := parseSwarmFlags(args)
	if err != nil {
		return err
	}
	d, err := openDeployBench(f)
	if err != nil {
		return err
	}
	defer d.cli.Close()
	b := &swarmBench{deployBench: d, gitdBin: gitdBin, dataDir: filepath.Join(f.work, "gitd-data"),
		keyPub: f.key + ".pub", prefix: f.prefix, dockerConfig: filepath.Join(f.work, "docker-config")}
	if err := mkdirs(f.work, "registry", "docker-config"); err != nil {
		return err
	}
	defer b.teardown()
	onInterrupt(b.teardown)
	if err := b.setup(f); err != nil {
		return err
	}
	fmt.Printf("swarm benchmark: code-only redeploy of %s through gitd (GITD_SCHEDULER=swarm) vs docker build + push + service update; %d warm-up + %d measured rounds\n",
		f.src, f.warmup, f.runs)
	fmt.Printf("single-node swarm on 127.0.0.1, registry %s (distribution/v3 from testenv, htpasswd login), start check %s (= the service's update monitor window), stop grace %s\n",
		b.reg.Addr, f.check, f.grace)
	fmt.Println()
	return b.rounds(f.warmup, f.runs)
}

// parseSwarmFlags is deploy's command line plus -gitd (the binary: this
// benchmark starts gitd itself, once the registry it needs runs).
func parseSwarmFlags(args []string) (deployFlags, string, error) {
	var gitdBin string
	var rest []string
	for i := 0; i < len(args); i++ {
		if args[i] == "-gitd" && i+1 < len(args) {
			gitdBin = args[i+1]
			i++
			continue
		}
		rest = append(rest, args[i])
	}
	f, err := parseDeployFlags("swarm", rest)
	if err == nil && gitdBin == "" {
		err = fmt.Errorf("swarm: -gitd (the gitd binary) is required")
	}
	return f, gitdBin, err
}

// setup joins the swarm, starts the registry and gitd, and logs the raw
// side's CLI into the registry.
func (b *swarmBench) setup(f deployFlags) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	leave, err := testenv.JoinSwarm(ctx)
	if err != nil {
		return fmt.Errorf("swarm: need an engine that is or can become a swarm manager: %w", err)
	}
	b.leave = leave
	if b.reg, err = testenv.RunRegistry(ctx, filepath.Join(b.work, "registry")); err != nil {
		return fmt.Errorf("swarm: registry: %w", err)
	}
	login := exec.Command("docker", "--config", b.dockerConfig, "login", "--username", b.reg.User,
		"--password-stdin", b.reg.Addr)
	login.Stdin = strings.NewReader(b.reg.Password)
	if out, err := login.CombinedOutput(); err != nil {
		return fmt.Errorf("swarm: docker login: %v: %s", err, out)
	}
	return b.startGitd(f)
}

// startGitd runs gitd with the swarm scheduler and the registry, and
// waits for its port.
func (b *swarmBench) startGitd(f deployFlags) error {
	log, err := os.Create(filepath.Join(b.work, "gitd.log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(b.gitdBin, "--data", b.dataDir, "--listen", f.gitdAddr, "--admin-key", b.keyPub,
		"--log-level", "info")
	cmd.Env = append(os.Environ(), "GITD_RUNTIME=docker", "GITD_SCHEDULER=swarm",
		"GITD_REGISTRY="+b.reg.Addr, "GITD_REGISTRY_USER="+b.reg.User, "GITD_REGISTRY_PASSWORD="+b.reg.Password,
		"GITD_BASE_IMAGE="+f.base, "GITD_BUILD_NETWORK="+f.netw, "GITD_BOT_ENV="+f.botEnv,
		"GITD_START_CHECK="+f.check.String(), "GITD_STOP_GRACE="+f.grace.String(),
		// No host firewall: it is set once at start (not timed) and its
		// chains outlived every run (gitd leaves them for its bots).
		"GITD_BOT_FIREWALL=off")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return err
	}
	b.gitd = cmd
	for i := 0; i < 100; i++ {
		if c, err := net.DialTimeout("tcp", f.gitdAddr, time.Second); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("swarm: gitd not listening on %s after 10s (see %s)", f.gitdAddr, log.Name())
}

// teardown stops gitd and the registry, removes every service, network and
// image this run made (all named after its prefix) and leaves the swarm
// if testenv made it. It runs once (at the end, or on a signal).
func (b *swarmBench) teardown() {
	b.once.Do(b.tearDown)
}

func (b *swarmBench) tearDown() {
	if b.gitd != nil && b.gitd.Process != nil {
		_ = b.gitd.Process.Signal(syscall.SIGTERM)
		_ = b.gitd.Wait()
		b.gitd = nil
	}
	b.removeSwarmObjects()
	if b.reg != nil {
		b.reg.Stop()
		b.reg.RemovePulled()
		b.reg = nil
	}
	out, _ := exec.Command("docker", "images", "--format", "{{.Repository}}:{{.Tag}}").Output()
	var refs []string
	for _, ref := range strings.Fields(string(out)) {
		if strings.Contains(ref, "/"+b.prefix+"-") {
			refs = append(refs, ref)
		}
	}
	removeImages(refs...)
	out, _ = exec.Command("docker", "images", "--format", "{{.Repository}}:{{.Tag}}").Output()
	for _, ref := range strings.Fields(string(out)) {
		if strings.Contains(ref, "/"+b.prefix+"-") {
			fmt.Fprintf(os.Stderr, "pushbench: could not remove image %s\n", ref)
		}
	}
	if b.leave != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := b.leave(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "pushbench: leave the swarm: %v\n", err)
		}
		b.leave = nil
	}
}

// removeSwarmObjects removes the services and networks whose name holds
// the run's prefix (gitd's and the raw side's), and waits for the tasks'
// containers to go.
func (b *swarmBench) removeSwarmObjects() {
	if b.leave == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	svcs, _ := b.cli.ServiceList(ctx, client.ServiceListOptions{})
	for _, s := range svcs.Items {
		if strings.Contains(s.Spec.Name, b.prefix) {
			_, _ = b.cli.ServiceRemove(ctx, s.ID, client.ServiceRemoveOptions{})
		}
	}
	// The tasks' containers go a moment after their service; until then
	// they hold the images and the networks.
	for i := 0; i < 150; i++ {
		out, _ := exec.Command("docker", "ps", "-aq", "--filter", "name="+b.prefix).Output()
		if len(strings.Fields(string(out))) == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	nets, _ := b.cli.NetworkList(ctx, client.NetworkListOptions{})
	for _, n := range nets.Items {
		if !strings.Contains(n.Name, b.prefix) || n.Scope != "swarm" {
			continue
		}
		// A task leaves the network a moment after its service goes.
		for i := 0; i < 50; i++ {
			if _, err := b.cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err == nil {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}
