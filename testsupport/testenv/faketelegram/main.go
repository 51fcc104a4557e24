// Command faketelegram is a fake Telegram Bot API server for botrunner's
// end-to-end tests (see testenv/internal/telegram for what it answers).
// testenv.FakeTelegramImage packs it, alone, into botrunner-test/faketelegram:1.
//
//	faketelegram [serve] [-addr :8081]          run the server
//	faketelegram queue -chat ID -text T [-token TOKEN]   queue a user's message
//	faketelegram sent [-token TOKEN]            print sendMessage calls as JSON
//	faketelegram webhook -token TOKEN -url URL       set a webhook for the bot
//	faketelegram conflicts | reset | health
//
// The client subcommands talk to http://127.0.0.1:8081 (-server), so a test
// runs them with `docker exec` inside the container: the image has no shell.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/botrunner/botrunner/testsupport/testenv/internal/telegram"
)

func main() {
	cmd, args := "serve", os.Args[1:]
	if len(args) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	if cmd == "serve" {
		err = serve(args)
	} else {
		err = control(cmd, args)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "faketelegram:", err)
		os.Exit(1)
	}
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", ":8081", "listen address")
	_ = fs.Parse(args)
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("component", "faketelegram")
	srv := &http.Server{Addr: *addr, Handler: telegram.New(log), ReadHeaderTimeout: 10 * time.Second}

	// PID 1 in a container gets no default signal handling: stop on SIGTERM.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", *addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func control(cmd string, args []string) error {
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	server := fs.String("server", "http://127.0.0.1:8081", "fake's base URL")
	token := fs.String("token", "", "bot token (queue: only this bot sees it; sent: only its messages)")
	chat := fs.Int64("chat", 0, "queue: chat id (also the user id)")
	text := fs.String("text", "", "queue: message text")
	hook := fs.String("url", "", "webhook: the webhook URL to set for -token")
	_ = fs.Parse(args)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := &telegram.Client{BaseURL: *server}

	var out any
	var err error
	switch cmd {
	case "queue":
		out, err = c.Queue(ctx, telegram.QueueRequest{Token: *token, ChatID: *chat, Text: *text})
	case "sent":
		out, err = c.Sent(ctx, *token)
	case "conflicts":
		out, err = c.Conflicts(ctx)
	case "webhook":
		out, err = true, c.SetWebhook(ctx, *token, *hook)
	case "reset":
		out, err = true, c.Reset(ctx)
	case "health":
		var resp *http.Response
		if resp, err = http.Get(*server + "/healthz"); err == nil {
			resp.Body.Close()
			out = resp.StatusCode == http.StatusOK
		}
	default:
		return fmt.Errorf("unknown command %q (serve, queue, sent, webhook, conflicts, reset, health)", cmd)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}
