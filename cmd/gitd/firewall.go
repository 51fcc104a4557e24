package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/runtime/firewall"
)

var (
	// errFirewallUsage is `gitd firewall` without `remove`.
	errFirewallUsage = config.ErrBadFlags.Reword("`remove` deletes the bot firewall (iptables chains) of the gitd whose data dir is given",
		"usage: gitd firewall remove [--force] [gitd's flags, e.g. --data DIR]")
	// ErrBotsStillRun: the firewall of a gitd whose bots still run keeps
	// them from the host; removing it would open the host to them.
	ErrBotsStillRun = hint.New("BOTS_STILL_RUN", "this gitd's bots still run: without the firewall they reach the host and private networks",
		"destroy or stop its apps first, or pass --force")
	// ErrNoInstance: no gitd ever ran on the data dir, so it has no firewall.
	ErrNoInstance = hint.New("NO_INSTANCE", "no gitd has run with this data dir (it has no instance-id)",
		"pass the --data dir of the gitd whose firewall to remove")
)

// runFirewall is `gitd firewall remove`: it deletes the iptables chains and
// jumps a gitd set for its bots, which stay when gitd stops (its bots run
// on without it, and must stay confined). For an admin who takes a gitd
// off a host.
func runFirewall(args []string) error {
	if len(args) == 0 || args[0] != "remove" {
		return errFirewallUsage
	}
	force := slices.Contains(args, "--force")
	args = slices.DeleteFunc(slices.Clone(args[1:]), func(a string) bool { return a == "--force" })
	cfg, err := config.Parse(args, version)
	if err != nil {
		return err
	}
	instance, err := readInstanceID(cfg.Data)
	if err != nil {
		return err
	}
	if instance == "" {
		return ErrNoInstance
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if !force {
		if err := noBotsRun(ctx, instance); err != nil {
			return err
		}
	}
	fw := firewall.Config{Instance: instance}
	if err := fw.Remove(ctx, firewall.Exec); err != nil {
		return err
	}
	fwd, in := fw.Chains()
	fmt.Printf("bot firewall removed: chains %s and %s and their jumps\n", fwd, in)
	return nil
}

// noBotsRun is ErrBotsStillRun when a container of the instance runs.
func noBotsRun(ctx context.Context, instance string) error {
	c, err := docker.NewClient()
	if err != nil {
		return fmt.Errorf("the Docker Engine (to see whether bots still run; --force skips it): %w", err)
	}
	defer c.Close()
	f := make(client.Filters).Add("label", runtime.LabelInstance+"="+instance)
	res, err := c.ContainerList(ctx, client.ContainerListOptions{Filters: f})
	if err != nil {
		return fmt.Errorf("the Docker Engine (to see whether bots still run; --force skips it): %w", err)
	}
	if n := len(res.Items); n > 0 {
		return ErrBotsStillRun.With(fmt.Sprintf("%d bot container(s) of this gitd still run", n), nil)
	}
	return nil
}
