package main

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"strings"

	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/runtime/firewall"
	dockersched "github.com/botrunner/botrunner/scheduler/docker"
)

// resolvConfs are where the Docker Engine reads the resolvers its embedded
// DNS forwards to: the host's, or systemd-resolved's upstreams when the
// host's only names a loopback stub.
var resolvConfs = []string{"/etc/resolv.conf", "/run/systemd/resolve/resolv.conf"}

// botNetworks gives each app an isolated network from GITD_BOT_SUBNETS and
// sets the host firewall that keeps bots to the internet (docs/network.md).
// With GITD_DOCKER_NETWORK set, bots share that network as before.
func botNetworks(ctx context.Context, drv *docker.Driver, d config.Deploy, instance string, log *slog.Logger) error {
	if d.Network != "" {
		log.Warn("GITD_DOCKER_NETWORK is set: all bots share one network and can reach each other, "+
			"and the bot firewall is not applied to it (docs/network.md)", "network", d.Network)
		return nil
	}
	pool, err := docker.ParsePool(d.BotSubnets)
	if err != nil {
		return err
	}
	drv.IsolateNetworks(pool)
	allow, err := firewall.ParseAllow(strings.Join(gatewayAllow(d), ","))
	if err != nil {
		return err
	}
	fw := firewall.Config{Instance: instance, Bots: pool, DNS: resolvers(log), Allow: allow}
	return applyFirewall(ctx, fw, d.BotFirewall, firewall.Exec, log)
}

// gatewayAllow is GITD_BOT_ALLOW plus, with the Bot API gateway on,
// exactly its port of the host: nothing else of the host opens to bots.
func gatewayAllow(d config.Deploy) []string {
	if d.Gateway == "" {
		return d.BotAllow
	}
	_, port, err := net.SplitHostPort(d.Gateway)
	if err != nil {
		return d.BotAllow
	}
	return append(append([]string{}, d.BotAllow...), "host:"+port)
}

// buildNetwork runs each build's steps on an isolated network from the
// bots' pool, under the same firewall as the bots, unless the admin named a
// build network (GITD_BUILD_NETWORK) or bots share one
// (GITD_DOCKER_NETWORK): on the engine's default bridge a RUN step reaches
// the host and the private networks around it.
func buildNetwork(drv *docker.Driver, d config.Deploy, instance string) func(context.Context, string) (string, error) {
	if d.Network != "" || d.BuildNetwork != "" {
		return nil
	}
	return func(ctx context.Context, app string) (string, error) {
		name := buildNetworkName(d.Scheduler, instance, app)
		_, err := drv.EnsureNetwork(ctx, name)
		return name, err
	}
}

// buildNetworkName is the network of an app's builds. On the docker
// scheduler it is the app's own bridge, which its bots run on and its
// destroy removes. A swarm's bots run on overlays, so nothing of the app
// would remove a bridge of its own: its builds share one bridge per gitd
// instance (ICC off: two builds do not reach each other).
func buildNetworkName(scheduler, instance, app string) string {
	if scheduler != "swarm" {
		return dockersched.AppNetwork(instance, app)
	}
	return "botrunner-build-" + runtime.ShortInstance(instance)
}

// resolvers are the first resolv.conf's non-loopback IPv4 nameservers.
func resolvers(log *slog.Logger) []netip.Addr {
	for _, p := range resolvConfs {
		dns, err := firewall.Resolvers(p)
		if err != nil {
			log.Debug("resolv.conf", "path", p, "err", err)
			continue
		}
		if len(dns) > 0 {
			return dns
		}
	}
	return nil
}

// applyFirewall sets the rules, or (GITD_BOT_FIREWALL=auto) says loudly
// which rules the admin must add when gitd cannot.
func applyFirewall(ctx context.Context, fw firewall.Config, mode string, run firewall.Runner, log *slog.Logger) error {
	if mode == "off" {
		log.Warn("GITD_BOT_FIREWALL=off: gitd does not keep bots off the host and private networks; "+
			"make sure these rules are in place on the Docker host (docs/network.md)", "rules", fw.Script())
		return nil
	}
	err := fw.Apply(ctx, run)
	if err == nil {
		fwd, in := fw.Chains()
		log.Info("bot firewall set", "chains", fwd+","+in, "bots", fw.Bots, "dns", fw.DNS, "allow", fw.Allow)
		return nil
	}
	if mode == "on" {
		return err
	}
	log.Error("BOTS CAN REACH THE HOST AND PRIVATE NETWORKS: gitd cannot set the bot firewall. "+
		"Run these rules as root on the Docker host after every start of the Docker Engine, "+
		"then set GITD_BOT_FIREWALL=off (docs/network.md)", "err", err, "rules", fw.Script())
	return nil
}
