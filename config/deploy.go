package config

import "time"

// Deploy is how gitd builds and runs bots (docs/architecture.md, steps 4–5).
type Deploy struct {
	Runtime   string `default:"docker" env:"GITD_RUNTIME" enum:"docker,none" help:"Where bots run: docker, or none to host git only."`
	Scheduler string `default:"docker" env:"GITD_SCHEDULER" enum:"docker,swarm" help:"What runs the bots: docker (containers on this engine) or swarm (services on the Docker Swarm this engine is a manager of)."`
	// The registry the swarm's nodes pull release images from (package registry).
	Registry             string        `env:"GITD_REGISTRY" placeholder:"HOST[:PORT][/PREFIX]" help:"Registry release images are pushed to for the Swarm's nodes (HTTPS; http only on loopback). Required with --scheduler=swarm."`
	RegistryUser         string        `env:"GITD_REGISTRY_USER" help:"Login of --registry."`
	RegistryPassword     string        `env:"GITD_REGISTRY_PASSWORD" help:"Password of --registry (or --registry-password-file)."`
	RegistryPasswordFile string        `env:"GITD_REGISTRY_PASSWORD_FILE" placeholder:"FILE" help:"File holding the password of --registry."`
	BaseImage            string        `default:"python:3.11-slim" env:"GITD_BASE_IMAGE,BASE_IMAGE" help:"Base image of the simple (bot.py) strategy."`
	Network              string        `env:"GITD_DOCKER_NETWORK,DOCKER_NETWORK" help:"Docker network all bots share (created if missing; bots on it can reach each other). Default: a network per app (docs/network.md)."`
	Memory               Size          `default:"256m" env:"GITD_MEMORY" help:"Memory limit per bot."`
	CPUs                 float64       `name:"cpus" default:"0.5" env:"GITD_CPUS" help:"CPU limit per bot."`
	Pids                 int64         `default:"100" env:"GITD_PIDS" help:"Process limit per bot."`
	UserMemory           string        `env:"GITD_USER_MEMORY" placeholder:"SIZE" help:"Memory all of a user's bots may take (default: 3 × --memory)."`
	StartCheck           time.Duration `default:"10s" env:"GITD_START_CHECK" help:"How long a new release must stay up (per-app setting wins)."`
	StopGrace            time.Duration `default:"10s" env:"GITD_STOP_GRACE" help:"SIGTERM grace before SIGKILL when a bot stops."`
	BuildTimeout         time.Duration `default:"15m" env:"GITD_BUILD_TIMEOUT" help:"Longest a build may take."`
	BuildMemory          Size          `default:"1GiB" env:"GITD_BUILD_MEMORY" help:"Memory limit of a build."`
	BuildPids            int64         `default:"512" env:"GITD_BUILD_PIDS" help:"Most processes a build may run at once (classic builds need the engine's cgroupfs driver and a writable /sys/fs/cgroup; buildpack builds do not; 0 = no limit)."`
	BuildDisk            Size          `default:"2GiB" env:"GITD_BUILD_DISK" help:"Most a build may write, all steps together; past it the build is cancelled (0 = no limit)."`
	BuildNetwork         string        `env:"GITD_BUILD_NETWORK" help:"Docker network for build steps (e.g. one with a package mirror); unset = the app's own network, firewalled like its bots (docs/network.md)."`
	BuildRegistries      []string      `env:"GITD_BUILD_REGISTRIES" sep:"," placeholder:"HOST[:PORT]" help:"Registries a build may pull a base image from when the engine lacks it (docker.io for Docker Hub; none by default: the engine pulls with its own network and credentials). FROM may name other registries than docker.io only if listed."`
	PipIndexURL          string        `env:"GITD_PIP_INDEX_URL" help:"Python package index for builds (PIP_INDEX_URL)."`
	MaxRuntime           time.Duration `default:"24h" env:"GITD_MAX_RUNTIME" help:"Run-time limit per start; past it a bot is stopped (state timeout). 0 = none."`
	RestartDelay         time.Duration `default:"10s" env:"GITD_RESTART_DELAY" help:"First delay before a crashed bot is restarted; it doubles per crash."`
	RestartMax           time.Duration `default:"5m" env:"GITD_RESTART_MAX_DELAY" help:"Longest delay between crash restarts."`
	RestartReset         time.Duration `default:"10m" env:"GITD_RESTART_RESET" help:"A bot up this long has its crash count reset."`
	BotEnv               []string      `env:"GITD_BOT_ENV" sep:"," help:"KEY=VALUE every bot gets, e.g. TELEGRAM_API of a local Bot API server."`
	BotSubnets           string        `default:"10.213.0.0/16" env:"GITD_BOT_SUBNETS" help:"IPv4 CIDRs the apps' networks come from, a /28 each."`
	BotFirewall          string        `default:"auto" env:"GITD_BOT_FIREWALL" enum:"auto,on,off" help:"Keep bots off the host and private addresses with iptables: auto (if gitd can; else it logs the rules to add), on (refuse to start without), off."`
	Gateway              string        `env:"GITD_TELEGRAM_GATEWAY" placeholder:"ADDR:PORT" help:"Listen address of the Bot API gateway for apps with telegram=gateway, e.g. 172.17.0.1:8081 (the docker0 address: reached from every bridge); the firewall lets bots reach exactly this port of the host. Off when empty."`
	GatewayURL           string        `env:"GITD_TELEGRAM_GATEWAY_URL" help:"The gateway's address as bots reach it (default http://<GITD_TELEGRAM_GATEWAY>)."`
	BotAllow             []string      `env:"GITD_BOT_ALLOW" sep:"," help:"Destinations bots may reach although private: CIDR[:PORT] or host:PORT, e.g. a local Bot API server."`
	// AllowVulnerableRunc runs bots on an engine whose runc has known
	// container escapes (or cannot be checked): gitd refuses it otherwise.
	AllowVulnerableRunc bool `env:"GITD_ALLOW_VULNERABLE_RUNC" help:"Run bots even on a runc older than 1.1.12 (CVE-2024-21626) or one gitd cannot check. Unsafe."`

	BuildpackBuilder   string   `default:"heroku/builder:24" env:"GITD_BUILDPACK_BUILDER" help:"CNB builder image for apps with a Procfile or project.toml."`
	BuildpackLifecycle string   `env:"GITD_BUILDPACK_LIFECYCLE_IMAGE" placeholder:"IMAGE" help:"Lifecycle image for the build phases that talk to the engine (default: pack's, buildpacksio/lifecycle of the builder's version)."`
	BuildpackPull      string   `default:"if-not-present" env:"GITD_BUILDPACK_PULL" enum:"always,if-not-present,never" help:"When buildpack builds pull the builder, run and lifecycle images."`
	ImageRegistries    []string `name:"image-allow-registries" env:"GITD_IMAGE_ALLOW_REGISTRIES" sep:"," placeholder:"HOST[:PORT]" help:"Registries deploy:image may pull from (docker.io for Docker Hub); default any."`
	GitAllowHosts      []string `env:"GITD_GIT_ALLOW_HOSTS" sep:"," placeholder:"HOST[:PORT]" help:"Hosts deploy:git may fetch from (none by default)."`
}

// UserMemoryBytes is GITD_USER_MEMORY, by default three bots' worth.
func (d Deploy) UserMemoryBytes() (int64, error) {
	if d.UserMemory == "" {
		return 3 * int64(d.Memory), nil
	}
	n, err := ParseSize(d.UserMemory)
	return int64(n), err
}
