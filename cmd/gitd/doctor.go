package main

import (
	"context"
	"os"
	"slices"
	"time"

	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/doctor"
	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/runtime/firewall"
)

// runDoctor is `gitd doctor [--json] [gitd's flags]`: it checks the host
// for the gitd those flags describe and prints a fix for each failure.
func runDoctor(args []string) error {
	asJSON := slices.Contains(args, "--json")
	args = slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "--json" })
	cfg, err := config.Parse(args, version)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var eng doctor.Engine
	cli, clientErr := docker.NewClient()
	if clientErr == nil {
		eng = doctor.NewEngine(cli)
	}
	d := cfg.Deploy
	results := doctor.Run(ctx, doctor.Settings{
		Data: cfg.Data, HostKeys: cfg.HostKey, DockerHost: os.Getenv("DOCKER_HOST"), ClientErr: clientErr,
		BaseImage: d.BaseImage, BuildpackBuilder: d.BuildpackBuilder, BuildpackPull: d.BuildpackPull,
		Network: d.Network, BotSubnets: d.BotSubnets, BotFirewall: d.BotFirewall,
		ProcSys: "/proc/sys", MinFree: 1 << 30, LowFree: 5 << 30,
	}, eng, func(ctx context.Context, chain string) error {
		_, err := firewall.Exec(ctx, "", "iptables", "-w", "-n", "-L", chain)
		return err
	})
	return doctor.Print(os.Stdout, results, asJSON)
}
