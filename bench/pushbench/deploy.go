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
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/runtime/docker"
)

// botUser is the user gitd runs bots as (deploy.Config.User's default; the
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

type deployBench struct {
	src, work, sshCmd, gitdAddr, network string
	botEnv                               []string
	check, grace                         time.Duration
	buildOpts                            build.Options
	cli                                  *client.Client
	files                                map[string][]byte // the bot, by slash path
	printedRaw                           bool
}

// deployFlags is deploy's command line.
type deployFlags struct {
	src, work, key, gitdAddr, base, netw, prefix, botEnv string
	check, grace                                         time.Duration
	runs, warmup                                         int
}

// parseDeployFlags parses the command line of mode (deploy or image: they
// take the same flags).
func parseDeployFlags(mode string, args []string) (deployFlags, error) {
	var f deployFlags
	fs := flag.NewFlagSet(mode, flag.ContinueOnError)
	fs.StringVar(&f.src, "src", "examples/bots/multi_file_bot", "the bot to deploy")
	fs.StringVar(&f.work, "work", "", "scratch directory (repos, contexts, logs)")
	fs.StringVar(&f.key, "key", "", "client private key (an admin of gitd)")
	fs.StringVar(&f.gitdAddr, "gitd-addr", "", "gitd's host:port (gitd runs with GITD_RUNTIME=docker)")
	fs.StringVar(&f.base, "base-image", "", "GITD_BASE_IMAGE gitd runs with")
	fs.StringVar(&f.netw, "network", "", "GITD_DOCKER_NETWORK gitd runs with (it must exist)")
	fs.StringVar(&f.prefix, "prefix", "", "app name prefix, unique to this run (e.g. bench-1a2b3c4d)")
	fs.StringVar(&f.botEnv, "bot-env", "", "GITD_BOT_ENV gitd runs with (KEY=VALUE,...)")
	fs.DurationVar(&f.check, "start-check", time.Second, "GITD_START_CHECK gitd runs with")
	fs.DurationVar(&f.grace, "stop-grace", 10*time.Second, "GITD_STOP_GRACE gitd runs with")
	fs.IntVar(&f.runs, "runs", 5, "measured first deploys + redeploys per side")
	fs.IntVar(&f.warmup, "warmup", 1, "unmeasured rounds first")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if err := requireFlags(mode, map[string]string{"-work": f.work, "-key": f.key, "-gitd-addr": f.gitdAddr,
		"-base-image": f.base, "-network": f.netw, "-prefix": f.prefix}); err != nil {
		return f, err
	}
	if f.runs < 1 || f.warmup < 0 || f.check <= 0 {
		return f, fmt.Errorf("%s: want -runs ≥ 1, -warmup ≥ 0, -start-check > 0", mode)
	}
	// Longest app name: prefix + "-gw9" must stay a valid app name (≤ 40).
	if len(f.prefix) > 34 {
		return f, fmt.Errorf("%s: -prefix %q is too long", mode, f.prefix)
	}
	return f, nil
}

func deployMain(args []string) error {
	f, err := parseDeployFlags("deploy", args)
	if err != nil {
		return err
	}
	b, err := openDeployBench(f)
	if err != nil {
		return err
	}
	defer b.cli.Close()

	fmt.Printf("deploy benchmark: %s (%d files), gitd at %s vs the raw docker sequence; %d warm-up + %d measured rounds\n",
		f.src, len(b.files), f.gitdAddr, f.warmup, f.runs)
	fmt.Printf("base image %s, bot network %s, start check %s (gitd counts: push wall − %s), stop grace %s\n",
		f.base, f.netw, f.check, f.check, f.grace)
	fmt.Println()
	return b.rounds(f.prefix, f.warmup, f.runs)
}

// openDeployBench connects to the engine and makes the bench (the caller
// closes b.cli).
func openDeployBench(f deployFlags) (*deployBench, error) {
	cli, err := docker.NewClient()
	if err != nil {
		return nil, err
	}
	b, err := newDeployBench(f, cli)
	if err != nil {
		cli.Close()
		return nil, err
	}
	return b, nil
}

// newDeployBench reads the bot and makes the scratch directories.
func newDeployBench(f deployFlags, cli *client.Client) (*deployBench, error) {
	files, err := readTree(f.src)
	if err != nil {
		return nil, err
	}
	if !editLine.Match(files[editFile]) {
		return nil, fmt.Errorf("deploy: %s/%s has no line matching %s to change", f.src, editFile, editLine)
	}
	b := &deployBench{
		src: f.src, work: f.work, gitdAddr: f.gitdAddr, network: f.netw, botEnv: splitEnv(f.botEnv),
		check: f.check, grace: f.grace, cli: cli, files: files,
		sshCmd: strings.Join(sshClient(f.key), " "),
		// What cmd/gitd gives the builder when only GITD_BASE_IMAGE is set.
		buildOpts: build.Options{BaseImage: f.base, BuildArgs: map[string]string{"BASE_IMAGE": f.base}},
	}
	if err := mkdirs(f.work, "gitd", "raw", "raw-context", "logs"); err != nil {
		return nil, err
	}
	return b, nil
}

// splitEnv splits GITD_BOT_ENV's KEY=VALUE,... list.
func splitEnv(s string) []string {
	var env []string
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv != "" {
			env = append(env, kv)
		}
	}
	return env
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
