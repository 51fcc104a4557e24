package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/botwatch"
	"github.com/botrunner/botrunner/build"
	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/metrics"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/repostore"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/store"
)

// deployer is the pipeline a push runs and, when bots run here, the deploy
// engine commands ask about them (nil for GITD_RUNTIME=none).
type deployer struct {
	pipeline receive.Pipeline
	engine   *deploy.Engine
	logs     *logstore.Store
}

// newDeployer connects to the Docker Engine and wires build, the scheduler
// and the deploy engine on the apps' repositories; with GITD_RUNTIME=none
// pushes are only stored.
func newDeployer(cfg *config.Config, st *store.Store, repos *repostore.Store, watch *botwatch.Watcher, m *metrics.Metrics, log *slog.Logger) (deployer, error) {
	d := cfg.Deploy
	if d.Runtime == "none" {
		log.Info("GITD_RUNTIME=none: pushes are stored, not deployed")
		return deployer{pipeline: deploy.Stored{}}, nil
	}
	cli, err := docker.NewClient()
	if err != nil {
		return deployer{}, engineError(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		return deployer{}, engineError(err)
	}
	drv := docker.New(cli, log)
	if err := checkEngine(ctx, drv, d.AllowVulnerableRunc, log); err != nil {
		return deployer{}, err
	}
	instance, err := instanceID(cfg.Data)
	if err != nil {
		return deployer{}, err
	}
	sched, err := newScheduler(schedulerDeps{cfg: d, cli: cli, drv: drv, instance: instance, log: log})
	if err != nil {
		return deployer{}, err
	}
	if err := botNetworks(ctx, drv, d, instance, log); err != nil {
		return deployer{}, err
	}
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return deployer{}, engineError(err)
	}
	tmp := filepath.Join(cfg.Data, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return deployer{}, err
	}
	builder := build.New(build.NewDockerEngine(cli), build.Options{
		TmpDir: tmp, BaseImage: d.BaseImage, Timeout: d.BuildTimeout, Memory: int64(d.BuildMemory),
		Pids: d.BuildPids, CgroupDriver: info.Info.CgroupDriver, Disk: int64(d.BuildDisk),
		Network: d.BuildNetwork, NetworkFor: buildNetwork(drv, d, instance), BuildArgs: buildArgs(d), Log: log, Registries: d.BuildRegistries,
		BuildpackBuilder: d.BuildpackBuilder, BuildpackLifecycle: d.BuildpackLifecycle,
		BuildpackPull: d.BuildpackPull, BuildpackEngine: cli,
	})
	env, err := botEnv(d.BotEnv)
	if err != nil {
		return deployer{}, err
	}
	// Logs are redacted with every value the apps' config vars have had.
	logs, err := logstore.Open(filepath.Join(cfg.Data, "logs"), logstore.Options{Secrets: st})
	if err != nil {
		return deployer{}, err
	}
	engine := deploy.New(deploy.Config{
		Limits:     runtime.Limits{Memory: int64(d.Memory), NanoCPUs: int64(d.CPUs * 1e9), Pids: d.Pids},
		StartCheck: d.StartCheck, Env: env, TmpDir: tmp, Logs: watch.Sink(countedLogs{logs, m}), Events: watch, Gateway: watch,
		Puller: timedPuller{build.NewPuller(cli, build.PullOptions{Timeout: d.BuildTimeout, AllowRegistries: d.ImageRegistries, Log: log}), m},
		Logins: st,
	}, st, timedBuilder{builder, m}, countedScheduler{sched, m}, repos, log)
	m.WatchBots(botStates(st, engine))
	return deployer{pipeline: watch.Pipeline(engine), engine: engine, logs: logs}, nil
}

// start reconciles what a stopped gitd left, then has the scheduler keep
// the bots running until ctx ends (the bots stopped on purpose held); its
// first list has the deploy follow the running bots' output. A restarted
// gitd adopts what runs: nothing is restarted that need not be.
func (d deployer) start(ctx context.Context, st *store.Store, log *slog.Logger) error {
	if d.engine == nil {
		return nil
	}
	apps, err := st.Apps()
	if err != nil {
		return err
	}
	// A gitd stopped without warning left half-done work: reconcile first,
	// so that the supervisor adopts exactly the current releases.
	if err := d.engine.Reconcile(ctx, apps); err != nil {
		log.Error("reconcile at start", "err", err)
	}
	go func() {
		if err := d.engine.Watch(ctx, apps); err != nil {
			log.Error("scheduler", "err", err)
		}
	}()
	return nil
}

func engineError(err error) error {
	return hint.Errorf("NO_DOCKER", "start Docker (or point DOCKER_HOST at it), or run with GITD_RUNTIME=none to host git only",
		"cannot reach the Docker Engine: %v", err)
}

// buildArgs passes builds the configured base image (a Dockerfile that
// declares `ARG BASE_IMAGE` before FROM can use it) and the operator's
// package index; pip needs the host trusted when the index is plain http.
func buildArgs(d config.Deploy) map[string]string {
	args := map[string]string{"BASE_IMAGE": d.BaseImage}
	if d.PipIndexURL == "" {
		return args
	}
	args["PIP_INDEX_URL"] = d.PipIndexURL
	if rest, ok := strings.CutPrefix(d.PipIndexURL, "http://"); ok {
		host, _, _ := strings.Cut(rest, "/")
		host, _, _ = strings.Cut(host, ":")
		args["PIP_TRUSTED_HOST"] = host
	}
	return args
}

// botEnv checks GITD_BOT_ENV's KEY=VALUE items.
func botEnv(items []string) ([]string, error) {
	var out []string
	for _, kv := range items {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, config.ErrBadFlags.Reword("write GITD_BOT_ENV as KEY=VALUE,KEY2=VALUE2",
				"GITD_BOT_ENV item %s is not KEY=VALUE", names.Quote(kv))
		}
		out = append(out, kv)
	}
	return out, nil
}
