package notify

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/store"
)

type fakeStore struct{ t store.NotifyTargets }

func (f fakeStore) NotifyTargets(string) (store.NotifyTargets, error) { return f.t, nil }
func (f fakeStore) Config(string) (map[string]string, error)          { return map[string]string{}, nil }

// hook records the JSON notices POSTed to it.
type hook struct {
	mu  sync.Mutex
	got []Event
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var e Event
	_ = json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&e)
	h.mu.Lock()
	h.got = append(h.got, e)
	h.mu.Unlock()
}

func (h *hook) events() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Event(nil), h.got...)
}

func TestOnePerKindPerMinuteFoldedIntoASummary(t *testing.T) {
	h := &hook{}
	ts := httptest.NewTLSServer(h)
	defer ts.Close()
	n := New(fakeStore{store.NotifyTargets{Webhook: ts.URL}}, nil, Options{Client: ts.Client()}, nil)
	clock := time.Unix(1000, 0)
	n.now = func() time.Time { return clock }
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		e := Event{App: "a-bot", Kind: Crashed, Text: "exit 1"}
		if n.admit(e) {
			n.send(ctx, e)
		}
	}
	other := Event{App: "a-bot", Kind: DeployOK, Text: "v2"}
	require.True(t, n.admit(other), "another kind has its own minute")
	n.send(ctx, other)
	assert.Empty(t, n.due(), "the window is still open")
	clock = clock.Add(DefaultWindow)
	for _, e := range n.due() {
		n.send(ctx, e)
	}
	got := h.events()
	require.Len(t, got, 3)
	assert.Equal(t, Crashed, got[0].Kind)
	assert.Equal(t, DeployOK, got[1].Kind)
	assert.Equal(t, "3 more in the last minute; the latest: exit 1", got[2].Text)
}

func TestNotifyNeverBlocks(t *testing.T) {
	n := New(fakeStore{}, nil, Options{}, nil)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 10*queueSize; i++ { // nobody runs the queue
			n.Notify(Event{App: "a-bot", Kind: Crashed})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Notify blocked on a full queue")
	}
}

func TestTargets(t *testing.T) {
	cur, err := SetTargets(store.NotifyTargets{}, []string{"telegram=42", "webhook=https://hooks.example.invalid/x"})
	require.NoError(t, err)
	assert.Equal(t, store.NotifyTargets{Chat: "42", Webhook: "https://hooks.example.invalid/x"}, cur)
	cur, err = SetTargets(cur, []string{"webhook="})
	require.NoError(t, err)
	assert.Equal(t, store.NotifyTargets{Chat: "42"}, cur)
	for _, bad := range []string{"telegram=hello world", "webhook=http://x.invalid/", "webhook=https://u:p@x.invalid/", "email=a@b", "telegram"} {
		_, err := SetTargets(cur, []string{bad})
		assert.Equal(t, "NOTIFY_BAD_TARGET", hint.CodeOf(err), bad)
	}
}

func TestWebhooksReachOnlyPublicAddresses(t *testing.T) {
	ts := httptest.NewTLSServer(&hook{})
	defer ts.Close()
	n := New(fakeStore{store.NotifyTargets{Webhook: ts.URL}}, nil, Options{}, nil) // PublicClient
	err := n.Send(context.Background(), Event{App: "a-bot", Kind: Test})
	require.Error(t, err)
	assert.Equal(t, "NOTIFY_WEBHOOK_FAILED", hint.CodeOf(err))
	assert.Contains(t, err.Error(), "not public")
}

// Webhooks reach public addresses only: none that bots may not reach
// (firewall.Blocked), and no IPv6 address wrapping an IPv4 one.
func TestPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"1.1.1.1": true, "2606:4700:4700::1111": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"100.100.100.200": false, "169.254.169.254": false, "0.0.0.1": false, "198.18.0.1": false,
		"255.255.255.255": false, "224.0.0.1": false, "::1": false, "fe80::1": false, "fc00::1": false,
		"::ffff:127.0.0.1": false, "64:ff9b::7f00:1": false, "2002:7f00:1::": false, "2001:0:7f00:1::": false,
	} {
		if got := public(net.ParseIP(addr)); got != want {
			t.Errorf("public(%s) = %v, want %v", addr, got, want)
		}
	}
}

// A webhook's failure names its host, never its URL: the path is the
// secret of Slack's and Discord's webhooks, and the text is logged.
func TestWebhookErrorHidesURL(t *testing.T) {
	n := New(fakeStore{store.NotifyTargets{Webhook: "https://127.0.0.1:1/services/T0/B0/SECRETXYZ"}}, nil, Options{}, nil)
	err := n.Send(context.Background(), Event{App: "a-bot", Kind: Test})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "127.0.0.1:1")
	assert.NotContains(t, err.Error(), "SECRETXYZ")
}

// The admin's window (GITD_NOTIFY_WINDOW) sets the fold, and the summary
// names it.
func TestWindowOption(t *testing.T) {
	n := New(fakeStore{}, nil, Options{Window: 15 * time.Second}, nil)
	clock := time.Unix(1000, 0)
	n.now = func() time.Time { return clock }
	e := Event{App: "a-bot", Kind: BackingOff, Text: "v1 exited with code 3"}
	require.True(t, n.admit(e))
	assert.False(t, n.admit(e))
	assert.False(t, n.admit(e))
	clock = clock.Add(14 * time.Second)
	assert.Empty(t, n.due())
	clock = clock.Add(time.Second)
	due := n.due()
	require.Len(t, due, 1)
	assert.Equal(t, "2 more in the last 15s; the latest: v1 exited with code 3", due[0].Text)
	for d, want := range map[time.Duration]string{time.Minute: "minute", 5 * time.Minute: "5 min", 90 * time.Second: "1m30s"} {
		assert.Equal(t, want, span(d))
	}
}

// A window too small to divide still runs (a zero ticker would panic).
func TestTinyWindowRuns(t *testing.T) {
	n := New(fakeStore{}, nil, Options{Window: time.Nanosecond}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	n.Notify(Event{App: "a-bot", Kind: Crashed})
	cancel()
	<-done
}
