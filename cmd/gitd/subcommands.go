package main

import (
	"context"

	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/server"
)

// subcommands are gitd's jobs besides serving; `gitd [flags]` alone serves.
// Each takes gitd's own flags and GITD_* variables after its name.
var subcommands = map[string]func(args []string) error{
	"healthcheck": healthcheck,
	"doctor":      runDoctor,
	"backup":      runBackup,
	"restore":     runRestore,
	"firewall":    runFirewall,
}

// subcommand returns the job os.Args names, if it names one.
func subcommand(args []string) (func([]string) error, []string, bool) {
	if len(args) < 2 {
		return nil, nil, false
	}
	f, ok := subcommands[args[1]]
	return f, args[2:], ok
}

// healthcheck exits 0 when the gitd of this config answers on its SSH
// port: the container image's HEALTHCHECK.
func healthcheck(args []string) error {
	cfg, err := config.Parse(args, version)
	if err != nil {
		return err
	}
	return server.Probe(context.Background(), cfg.Listen)
}
