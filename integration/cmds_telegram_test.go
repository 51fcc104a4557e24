package integration

import (
	"context"

	"github.com/rogpeppe/go-internal/testscript"
)

// tgwebhook URL: the story's bot gets a webhook, set elsewhere (the fake
// only records it; nothing calls URL).
func cmdTgwebhook(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: tgwebhook url")
	}
	ts.Check(deploys.tg.SetWebhook(context.Background(), ts.Getenv("BOT_TOKEN"), args[0]))
}
