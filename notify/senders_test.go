package notify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/store"
)

// appStore gives each app its own targets.
type appStore map[string]store.NotifyTargets

func (s appStore) NotifyTargets(app string) (store.NotifyTargets, error) { return s[app], nil }
func (s appStore) Config(string) (map[string]string, error)              { return map[string]string{}, nil }

// One tenant's webhook that hangs holds up its own notices only: another
// app's notice goes out while the first is still waiting, and the hung
// app's later notices beyond its queue are dropped, not queued forever.
func TestADeadTargetDelaysOnlyItsApp(t *testing.T) {
	release := make(chan struct{})
	hung := make(chan struct{}, 64)
	dead := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		hung <- struct{}{}
		<-release
	}))
	defer dead.Close()
	defer close(release)
	h := &hook{}
	alive := httptest.NewTLSServer(h)
	defer alive.Close()
	n := New(appStore{"dead-bot": {Webhook: dead.URL + "/x"}, "live-bot": {Webhook: alive.URL + "/y"}},
		nil, Options{Client: alive.Client()}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go n.Run(ctx)

	n.Notify(Event{App: "dead-bot", Kind: Crashed, Text: "exit 1"})
	<-hung // its sender is stuck in the POST
	for i := 0; i < appQueue+5; i++ {
		n.Notify(Event{App: "dead-bot", Kind: Test, Text: "more"}) // Test is never folded
	}
	n.Notify(Event{App: "live-bot", Kind: DeployOK, Text: "v2"})
	deadline := time.After(30 * time.Second)
	for len(h.events()) == 0 {
		select {
		case <-deadline:
			t.Fatal("live-bot's notice waited for dead-bot's webhook")
		case <-time.After(10 * time.Millisecond):
		}
	}
	got := h.events()
	require.Len(t, got, 1)
	assert.Equal(t, "live-bot", got[0].App)
	n.sendMu.Lock()
	queued := len(n.queues["dead-bot"])
	n.sendMu.Unlock()
	assert.Equal(t, appQueue, queued, "the rest was dropped")
}
