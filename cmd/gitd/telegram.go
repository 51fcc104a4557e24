package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/botrunner/botrunner/botwatch"
	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/gateway"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/internal/cleanup"
	"github.com/botrunner/botrunner/notify"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/telegram"
)

// telegramWatch are the parts that know Telegram: the Bot API client,
// the owners' notices, the optional Bot API gateway and the watch over
// bots that feeds them.
type telegramWatch struct {
	tg      *telegram.Client
	notices *notify.Notifier
	watch   *botwatch.Watcher
	// the Bot API gateway, when GITD_TELEGRAM_GATEWAY is set
	gw         *gateway.Gateway
	gwListener net.Listener
}

func newTelegramWatch(cfg *config.Config, st *store.Store, log *slog.Logger) (telegramWatch, error) {
	tg := telegram.New(cfg.TelegramAPI, nil)
	notices := notify.New(st, tg, notify.Options{Window: cfg.NotifyWindow}, log)
	tw := telegramWatch{tg: tg, notices: notices}
	gwURL := cfg.Deploy.GatewayURL
	if addr := cfg.Deploy.Gateway; addr != "" {
		gw, err := gateway.New(cfg.TelegramAPI, log)
		if err != nil {
			return tw, config.ErrBadFlags.Reword("set GITD_TELEGRAM_API to an http(s) URL", "%v", err)
		}
		if tw.gwListener, err = net.Listen("tcp", addr); err != nil {
			return tw, hint.Errorf("GATEWAY_LISTEN_FAILED", "set GITD_TELEGRAM_GATEWAY to an address of this host (e.g. the docker0 address) and a free port",
				"Bot API gateway: listen on %s: %v", addr, err)
		}
		if gwURL == "" {
			gwURL = "http://" + addr
		}
		warnOpenGateway(tw.gwListener.Addr(), log)
		tw.gw = gw
	}
	tw.watch = botwatch.New(st, tg, notices, tw.gw, gwURL, log)
	return tw, nil
}

// warnOpenGateway warns when the gateway listens where more than the bots
// may reach it: on every address, or on a public one. The gateway forwards
// any token's calls (a bot may use several), so whoever reaches it calls
// the Bot API from this server's address.
func warnOpenGateway(a net.Addr, log *slog.Logger) {
	ta, ok := a.(*net.TCPAddr)
	if !ok || (!ta.IP.IsUnspecified() && (ta.IP.IsLoopback() || ta.IP.IsPrivate())) {
		return
	}
	log.Warn("the Bot API gateway listens on a public or every address: anyone who reaches it calls the Bot API from this server; "+
		"set GITD_TELEGRAM_GATEWAY to the bots' bridge address (e.g. 172.17.0.1:8081) or block the port", "addr", a.String())
}

// run serves the gateway and sends notices until ctx ends; with bots
// running here, the liveness watch restarts deaf ones.
func (tw telegramWatch) run(ctx context.Context, st *store.Store, dep deployer, log *slog.Logger) {
	go tw.notices.Run(ctx)
	if tw.gw == nil {
		return
	}
	log.Info("Bot API gateway listening", "addr", tw.gwListener.Addr().String())
	go func() {
		if err := tw.gw.Serve(tw.gwListener); err != nil && !errors.Is(err, gateway.ErrServerClosed) {
			log.Error("Bot API gateway", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := cleanup.Context(ctx, 5*time.Second)
		defer cancel()
		_ = tw.gw.Shutdown(sctx)
	}()
	if dep.engine != nil {
		go tw.watch.RunLiveness(ctx, st, dep.engine)
	}
}
