package deploy

import (
	"context"
	"testing"
	"time"

	"github.com/botrunner/botrunner/store"
)

// noGateway is a BotGateway on a server that runs none: no env for any
// app, and a Ready that would never answer.
type noGateway struct{}

func (noGateway) Env(store.App) []string { return nil }
func (noGateway) Ready(context.Context, store.App, store.Release, time.Time) <-chan error {
	return nil
}

// An app set to telegram=gateway on a server without a gateway gets the
// fixed start check: a Ready whose channel never yields would hold the
// start check, and the app's lock, forever.
func TestReadyOnlyBehindAGateway(t *testing.T) {
	app := store.App{Name: "my-bot", Settings: store.AppSettings{Gateway: true}}
	d := &Engine{cfg: Config{Gateway: noGateway{}}}
	if d.ready(app, store.Release{Number: 1}) != nil {
		t.Error("a start check through a gateway the server does not run")
	}
	d = &Engine{cfg: Config{}}
	if d.ready(app, store.Release{Number: 1}) != nil {
		t.Error("a start check through a gateway with none configured")
	}
}
