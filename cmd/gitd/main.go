// Command gitd is botrunner's server: git push hosting for Telegram bots
// over SSH. main only wires the parts together; see package server.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/audit"
	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/command"
	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/gitpack"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/metrics"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/repostore"
	"github.com/botrunner/botrunner/secrets"
	"github.com/botrunner/botrunner/server"
	"github.com/botrunner/botrunner/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "gitd: %s\n", err)
		if tip := hint.TipOf(err); tip != "" {
			fmt.Fprintf(os.Stderr, "hint: %s\n", tip)
		}
		os.Exit(1)
	}
}

func run() error {
	if sub, args, ok := subcommand(os.Args); ok {
		return sub(args)
	}
	cfg, err := config.Parse(os.Args[1:], version)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel)
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	// Config vars are sealed with a key kept beside the database (0600).
	box, err := secrets.LoadOrCreateKey(filepath.Join(cfg.Data, "secret.key"))
	if err != nil {
		return err
	}
	st, err := store.OpenWithBox(filepath.Join(cfg.Data, "gitd.db"), box)
	if err != nil {
		return err
	}
	defer st.Close()
	defer serveBackups(cfg.Data, st, log)()
	var quotas []auth.Option
	if cfg.Deploy.Runtime != "none" {
		userMem, err := cfg.Deploy.UserMemoryBytes()
		if err != nil {
			return config.ErrBadFlags.Reword("write GITD_USER_MEMORY like 768m or 1GiB", "GITD_USER_MEMORY: %v", err)
		}
		quotas = append(quotas, auth.MemoryQuota(int64(cfg.Deploy.Memory), userMem))
	}
	authz := auth.New(st, cfg.MaxBotsPerUser, quotas...)
	if err := bootstrap(cfg, st, authz, log); err != nil {
		return err
	}
	tw, err := newTelegramWatch(cfg, st, log)
	if err != nil {
		return err
	}
	var m *metrics.Metrics
	if cfg.MetricsListen != "" {
		m = metrics.New()
	}
	// Who did what: the audit log, rotated at 10 MiB, 5 old files kept.
	auditLog, err := audit.Open(filepath.Join(cfg.Data, "audit"), 10<<20, 5)
	if err != nil {
		return err
	}
	defer auditLog.Close()
	srv, dep, err := assemble(cfg, st, authz, extras{tw: tw, m: m, audit: auditLog}, log)
	if err != nil {
		return err
	}
	stopMetrics, err := serveMetrics(cfg.MetricsListen, m, st, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	ctx, stop := context.WithCancel(context.Background())
	defer stop() // the scheduler's watch ends with the server; running bots stay up
	if err := dep.start(ctx, st, log); err != nil {
		return err
	}
	tw.run(ctx, st, dep, log)
	return serve(cfg, srv, log)
}

// extras are the parts that watch the server rather than serve: what
// knows Telegram, the metrics (nil when off) and the audit log.
type extras struct {
	tw    telegramWatch
	m     *metrics.Metrics
	audit *audit.Log
}

// assemble builds the server's parts in dependency order.
func assemble(cfg *config.Config, st *store.Store, authz *auth.Authorizer, x extras, log *slog.Logger) (*server.Server, deployer, error) {
	hostKeys, err := hostKeys(cfg, log)
	if err != nil {
		return nil, deployer{}, err
	}
	// The repositories first: the deploy engine reads refs and trees and
	// takes the apps' locks there, and receive serves git on them and runs
	// the engine as its pipeline.
	repoStore, err := repostore.Open(filepath.Join(cfg.Data, "repos"))
	if err != nil {
		return nil, deployer{}, err
	}
	dep, err := newDeployer(cfg, st, repoStore, x.tw.watch, x.m, log)
	if err != nil {
		return nil, deployer{}, err
	}
	repos := receive.New(repoStore, receive.Options{
		MaxPushSize: int64(cfg.MaxPushSize), Agent: "botrunner/" + version, Log: log,
		Pack: gitpack.Limits{MaxObjects: cfg.MaxPushObjects, MaxObjectSize: int64(cfg.MaxObjectSize),
			MaxInflated: int64(cfg.MaxPushInflated)},
		Pipeline: &observed{to: dep.pipeline, pushes: newPushes(st, x.m, x.audit)},
	})
	deps := command.Deps{Store: st, Auth: authz, Repos: repos, Version: version, Log: log, RemoteURL: cfg.RemoteURL, Audit: x.audit,
		Intake:   command.IntakeOptions{MaxPushSize: int64(cfg.MaxPushSize), GitAllowHosts: cfg.Deploy.GitAllowHosts},
		Telegram: x.tw.tg, Watch: x.tw.watch, Notify: x.tw.notices,
		Gateway: x.tw.gw != nil}
	if dep.engine != nil { // a nil *deploy.Engine must stay a nil interface
		deps.Bots, deps.Logs = dep.engine, dep.logs
	}
	router := command.NewRouter(deps)
	return server.New(server.Config{
		Addr: cfg.Listen, HostKeys: hostKeys, IdleTimeout: cfg.IdleTimeout,
		MaxConnsPerIP: cfg.MaxConnsPerIP, MaxHandshakes: cfg.MaxHandshakes,
		MaxHandshakesPerIP: cfg.MaxHandshakesPerIP, HandshakeTimeout: cfg.HandshakeTimeout,
	}, server.Deps{Auth: authz, Store: st, Repos: repos, Router: router, Log: log,
		Observe: observers{m: x.m, a: audit.Recorder{Log: x.audit, Err: log}}}), dep, nil
}

// hostKeys loads the --host-key files, or the data dir's keys (made on
// first start), and logs their fingerprints for admins to publish.
func hostKeys(cfg *config.Config, log *slog.Logger) ([]gossh.Signer, error) {
	load := func() ([]gossh.Signer, error) { return server.LoadOrCreateHostKeys(cfg.Data) }
	if len(cfg.HostKey) > 0 {
		load = func() ([]gossh.Signer, error) { return server.LoadHostKeys(cfg.HostKey) }
	}
	keys, err := load()
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		log.Info("host key", "type", k.PublicKey().Type(), "fingerprint", gossh.FingerprintSHA256(k.PublicKey()))
	}
	return keys, nil
}

// bootstrap makes the admin keys work; with none configured on an empty
// store it takes the user's own ~/.ssh/id_*.pub, so `gitd` alone is usable.
func bootstrap(cfg *config.Config, st *store.Store, authz *auth.Authorizer, log *slog.Logger) error {
	n, err := st.CountUsers()
	if err != nil {
		return err
	}
	if len(cfg.AdminKey) == 0 && n == 0 {
		k := config.DefaultAdminKey()
		if k == "" {
			return hint.New("NO_ADMIN_KEY", "no users yet and no admin key given",
				"pass --admin-key ~/.ssh/id_ed25519.pub (create one with `ssh-keygen -t ed25519`)")
		}
		log.Info("no admin key given; using your own", "key", k)
		cfg.AdminKey = []string{k}
	}
	lines, err := cfg.AdminKeyLines()
	if err != nil {
		return err
	}
	return authz.Bootstrap(lines)
}

func serve(cfg *config.Config, srv *server.Server, log *slog.Logger) error {
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return hint.Errorf("LISTEN_FAILED", "pick another address with --listen or GITD_LISTEN", "listen on %s: %v", cfg.Listen, err)
	}
	log.Info("gitd listening", "addr", l.Addr().String(), "data", cfg.Data, "version", version)
	fmt.Fprintf(os.Stderr, "\n  Push a bot:  git remote add bots %s && git push bots main\n\n", cfg.RemoteURL("my-bot"))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case err := <-done:
		return err
	case s := <-sig:
		log.Info("shutting down; letting running pushes finish", "signal", s.String(), "deadline", cfg.ShutdownTimeout)
		ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			log.Warn("shutdown deadline passed; closed the remaining connections", "err", err)
		}
		if err := <-done; err != nil && !errors.Is(err, server.ErrServerClosed) {
			return err
		}
		return nil
	}
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}
