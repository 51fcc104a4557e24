package integration

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/botrunner/botrunner/testsupport/testenv"
)

// tgwebhook URL: the story's bot gets a webhook, set elsewhere (the fake
// only records it; nothing calls URL).
func cmdTgwebhook(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: tgwebhook url")
	}
	ts.Check(deploys.tg.SetWebhook(context.Background(), ts.Getenv("BOT_TOKEN"), args[0]))
}

// gatewayAddr is a free port on the host's address on the stories'
// network, for the story's gitd's Bot API gateway ($TGGATEWAY).
func gatewayAddr(env *testscript.Env) string {
	l, err := net.Listen("tcp", net.JoinHostPort(deploys.hostIP, "0"))
	if err != nil {
		return ""
	}
	addr := l.Addr().String()
	l.Close()
	env.Setenv("TGGATEWAY", addr)
	return addr
}

// tgpoll: a second copy of the story's bot polls once through the gateway
// (getUpdates, 3 s): Telegram ends the bot's own poll with 409.
func cmdTgpoll(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 0 || neg {
		ts.Fatalf("usage: tgpoll")
	}
	c := &http.Client{Timeout: 20 * time.Second}
	resp, err := c.Get("http://" + ts.Getenv("TGGATEWAY") + "/bot" + ts.Getenv("BOT_TOKEN") + "/getUpdates?timeout=3")
	ts.Check(err)
	resp.Body.Close()
}

// tgwaitfor REGEX: waits (up to 90 s) until a message the story's bot sent
// reads, as "chat: text", to match REGEX, and prints it.
func cmdTgwaitfor(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: tgwaitfor regex")
	}
	re, err := regexp.Compile(args[0])
	ts.Check(err)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		all, err := deploys.tg.Sent(ctx)
		ts.Check(err)
		for _, m := range all {
			if line := fmt.Sprintf("%d: %s", m.ChatID, m.Text); m.Token == ts.Getenv("BOT_TOKEN") && re.MatchString(line) {
				fmt.Fprintln(ts.Stdout(), line)
				return
			}
		}
		select {
		case <-ctx.Done():
			ts.Fatalf("no message matched %s", args[0])
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// ptb13 DIR: vendors Debian's python-telegram-bot 13 into DIR.
func cmdPtb13(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: ptb13 dir")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ts.Check(testenv.VendorPTB13(ctx, ts.MkAbs(args[0])))
}
