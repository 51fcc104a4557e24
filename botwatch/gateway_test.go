package botwatch

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/gateway"
	"github.com/botrunner/botrunner/notify"
	"github.com/botrunner/botrunner/store"
)

const token = "123456789:AAsecretsecretsecretsecretsecret123"

type oneApp struct{ app store.App }

func (o oneApp) App(string) (store.App, error) { return o.app, nil }
func (o oneApp) Config(string) (map[string]string, error) {
	return map[string]string{"BOT_TOKEN": token}, nil
}
func (o oneApp) Bot(string) (store.Bot, bool, error) { return store.Bot{}, false, nil }
func (o oneApp) SetBot(string, *store.Bot) error     { return nil }

type restarts struct {
	n     int
	phase deploy.Phase
}

func (r *restarts) Restart(context.Context, store.App, string, io.Writer) error { r.n++; return nil }
func (r *restarts) PhaseOf(string) deploy.Phase                                 { return r.phase }

// gatewayed is a watcher with a gateway in front of a Bot API that
// answers everything with ok.
func gatewayed(t *testing.T, app store.App) (*Watcher, *heard, string) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"ok":true,"result":[]}`)
	}))
	t.Cleanup(up.Close)
	gw, err := gateway.New(up.URL, nil)
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = gw.Serve(l) }()
	t.Cleanup(func() { _ = gw.Shutdown(context.Background()) })
	h := &heard{}
	url := "http://" + l.Addr().String()
	return New(oneApp{app}, nil, h, gw, url, nil), h, url
}

func poll(t *testing.T, base string) {
	resp, err := http.Get(base + "/bot" + token + "/getUpdates")
	require.NoError(t, err)
	resp.Body.Close()
}

func TestGatewayEnvAndReady(t *testing.T) {
	app := store.App{Name: "a-bot", Current: 1, Settings: store.AppSettings{Gateway: true}}
	w, _, base := gatewayed(t, app)
	assert.Equal(t, []string{"TELEGRAM_API=" + base}, w.Env(app))
	assert.Nil(t, w.Env(store.App{Name: "b-bot"}), "apps not behind the gateway keep theirs")
	assert.Nil(t, w.Ready(t.Context(), store.App{Name: "b-bot"}, store.Release{}, time.Now()))

	ready := w.Ready(t.Context(), app, store.Release{Config: map[string]string{"BOT_TOKEN": token}}, time.Now())
	select {
	case <-ready:
		t.Fatal("ready before any getUpdates")
	default:
	}
	poll(t, base)
	require.NoError(t, <-ready)
	assert.Contains(t, w.Polling(app), "polling, last getUpdates")

	noToken := w.Ready(t.Context(), app, store.Release{}, time.Now())
	assert.Error(t, <-noToken)
}

func TestLivenessRestartsDeafBots(t *testing.T) {
	app := store.App{Name: "a-bot", Current: 3, Settings: store.AppSettings{Gateway: true, Liveness: time.Minute}}
	w, h, base := gatewayed(t, app)
	clock := time.Now()
	w.now = func() time.Time { return clock }
	r := &restarts{}
	seen := map[string]time.Time{}
	poll(t, base)
	w.checkLiveness(t.Context(), app, seen, r) // first look
	clock = clock.Add(30 * time.Second)
	w.checkLiveness(t.Context(), app, seen, r)
	assert.Zero(t, r.n, "within liveness")

	r.phase = deploy.PhaseStarting // a deploy resets the clock
	clock = clock.Add(2 * time.Minute)
	w.checkLiveness(t.Context(), app, seen, r)
	assert.Zero(t, r.n)
	r.phase = ""
	clock = clock.Add(30 * time.Second)
	w.checkLiveness(t.Context(), app, seen, r)
	assert.Zero(t, r.n)

	clock = clock.Add(time.Minute)
	w.checkLiveness(t.Context(), app, seen, r)
	assert.Equal(t, 1, r.n, "no getUpdates for liveness: restarted")
	require.Len(t, h.ev, 1)
	assert.Equal(t, notify.Deaf, h.ev[0].Kind)
	assert.Contains(t, h.ev[0].Text, "v3 made no getUpdates")

	stopped := app
	stopped.Stopped = "alice"
	clock = clock.Add(time.Hour)
	w.checkLiveness(t.Context(), stopped, seen, r)
	assert.Equal(t, 1, r.n, "a stopped bot is not deaf")
}
