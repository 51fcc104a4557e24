package gateway

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tok = "123456789:AAsecretsecretsecretsecretsecret123"

// upstream answers getUpdates with one update, a second concurrent poller
// of one token with 409 (as Telegram does), and echoes other calls' bodies.
func upstream(t testing.TB) *httptest.Server {
	var mu sync.Mutex
	polling := map[string]bool{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/getUpdates") {
			mu.Lock()
			busy := polling[r.URL.Path]
			polling[r.URL.Path] = true
			mu.Unlock()
			if busy {
				w.WriteHeader(http.StatusConflict)
				fmt.Fprint(w, `{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request"}`)
				return
			}
			if r.URL.Query().Get("timeout") == "1" {
				time.Sleep(300 * time.Millisecond)
			}
			mu.Lock()
			polling[r.URL.Path] = false
			mu.Unlock()
			fmt.Fprint(w, `{"ok":true,"result":[]}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, `{"ok":true,"result":%q}`, body)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func serve(t testing.TB, up string, log *slog.Logger) (*Gateway, string) {
	g, err := New(up, log)
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = g.Serve(l) }()
	t.Cleanup(func() { _ = g.Shutdown(context.Background()) })
	return g, "http://" + l.Addr().String()
}

func TestForwardsAndRecords(t *testing.T) {
	g, base := serve(t, upstream(t).URL, nil)
	_, ok := g.Bot(tok) // gitd watches this bot from now on
	require.False(t, ok, "no call yet")
	resp, err := http.Post(base+"/bot"+tok+"/sendMessage", "application/json", strings.NewReader(`{"chat_id":1,"text":"hi"}`))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `{\"chat_id\":1,\"text\":\"hi\"}`, "the body reaches the API as sent")

	s, ok := g.Bot(tok)
	require.True(t, ok)
	assert.True(t, s.LastGetUpdates.IsZero())

	before := time.Now()
	wait := make(chan error, 1)
	go func() { wait <- g.WaitPolling(context.Background(), tok, before) }()
	resp, err = http.Get(base + "/bot" + tok + "/getUpdates")
	require.NoError(t, err)
	resp.Body.Close()
	require.NoError(t, <-wait, "the first getUpdates ends the wait")
	s, _ = g.Bot(tok)
	assert.Equal(t, 2, s.Calls)
	assert.False(t, s.LastGetUpdates.Before(before))
	assert.Zero(t, s.Errors)
}

func TestSecondPollerIsAConflict(t *testing.T) {
	g, base := serve(t, upstream(t).URL, nil)
	g.Bot(tok)
	first := make(chan struct{})
	go func() {
		defer close(first)
		if resp, err := http.Get(base + "/bot" + tok + "/getUpdates?timeout=1"); err == nil {
			resp.Body.Close()
		}
	}()
	require.Eventually(t, func() bool { s, _ := g.Bot(tok); return !s.FirstGetUpdates.IsZero() }, 5*time.Second, 5*time.Millisecond)
	var code int
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/bot" + tok + "/getUpdates")
		require.NoError(t, err)
		resp.Body.Close()
		code = resp.StatusCode
		return code == http.StatusConflict
	}, 5*time.Second, time.Millisecond)
	<-first
	s, _ := g.Bot(tok)
	assert.GreaterOrEqual(t, s.Conflicts, 1)
	assert.GreaterOrEqual(t, s.Errors, 1)
}

func TestNeverLogsTokensOrContents(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + l.Addr().String()
	l.Close() // the upstream is gone: the error path, which holds URLs
	_, base := serve(t, dead, log)
	resp, err := http.Post(base+"/bot"+tok+"/sendMessage", "application/json", strings.NewReader(`{"chat_id":1,"text":"my secret words"}`))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	assert.NotContains(t, string(body), "secretsecret")
	assert.Contains(t, logs.String(), "bot=123456789")
	assert.NotContains(t, logs.String(), "secretsecret")
	assert.NotContains(t, logs.String(), "secret words")
}

func TestRefusesOtherPaths(t *testing.T) {
	_, base := serve(t, upstream(t).URL, nil)
	for _, p := range []string{"/", "/bot/getMe", "/botnocolon/getMe", "/metrics", "/bot" + tok,
		"/bot1:x/getMe", "/bot" + tok + "/../../admin", "/bot" + tok + "/get.Me", "/bot" + tok + "/",
		"/file/bot" + tok + "/../../admin", "/file/bot" + tok + "/a/./b", "/file/bot" + tok + "/"} {
		resp, err := http.Get(base + p)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, p)
	}
}

// BenchmarkAddedLatency reports the median of a sendMessage through the
// gateway minus the median straight to the same API (ns/op is the
// gateway's; "added-median-µs" is the overhead).
func BenchmarkAddedLatency(b *testing.B) {
	up := upstream(b)
	_, base := serve(b, up.URL, nil)
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	call := func(root string) time.Duration {
		start := time.Now()
		resp, err := c.Post(root+"/bot"+tok+"/sendMessage", "application/json", strings.NewReader(`{"chat_id":1,"text":"hi"}`))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(start)
	}
	var direct, via []time.Duration
	for i := 0; i < b.N; i++ {
		direct = append(direct, call(up.URL))
		via = append(via, call(base))
	}
	b.ReportMetric(float64(median(via)-median(direct))/1e3, "added-median-µs")
}

func median(d []time.Duration) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

// A bot that knows another bot's public id, or makes up tokens, leaves no
// trace: only the bots gitd watches are recorded, by their whole token.
func TestRecordsOnlyWatchedTokens(t *testing.T) {
	g, base := serve(t, upstream(t).URL, nil)
	g.Bot(tok)
	forged := "123456789:AAforgedforgedforgedforgedforged99"
	other := "987654321:AAotherotherotherotherotherother99"
	for _, tk := range []string{forged, other} {
		resp, err := http.Get(base + "/bot" + tk + "/getUpdates")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "forwarded all the same")
	}
	s, ok := g.Bot(tok)
	assert.False(t, ok, "the forged token's poll is not the bot's: %+v", s)
	g.mu.Lock()
	n := len(g.bots)
	g.mu.Unlock()
	assert.Equal(t, 1, n, "no record for tokens nobody watches")
}

// A wait that ends without a getUpdates leaves no waiter behind.
func TestWaitPollingForgetsWaiter(t *testing.T) {
	g, _ := serve(t, upstream(t).URL, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, g.WaitPolling(ctx, tok, time.Now()), context.DeadlineExceeded)
	g.mu.Lock()
	defer g.mu.Unlock()
	assert.Empty(t, g.waiters)
}

// TestGatewayCapsCallsInFlight: one token may have maxPerBot calls in
// flight; the next is answered 429 with retry_after (as Telegram throttles)
// and never reaches upstream, while another token's calls still pass and
// the first token's pass again once its calls end.
func TestGatewayCapsCallsInFlight(t *testing.T) {
	hold, arrived := make(chan struct{}), make(chan struct{}, 2*maxPerBot)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/sendMessage") {
			arrived <- struct{}{}
			<-hold
		}
		fmt.Fprint(w, `{"ok":true,"result":true}`)
	}))
	t.Cleanup(up.Close)
	_, base := serve(t, up.URL, slog.New(slog.DiscardHandler))
	call := func(token, method string) (int, string) {
		resp, err := http.Post(base+"/bot"+token+"/"+method, "application/json", strings.NewReader("{}"))
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	var wg sync.WaitGroup
	for range maxPerBot {
		wg.Go(func() { call(tok, "sendMessage") })
	}
	for range maxPerBot {
		<-arrived
	}
	code, body := call(tok, "getMe")
	assert.Equal(t, http.StatusTooManyRequests, code)
	assert.JSONEq(t, `{"ok":false,"error_code":429,"description":"Too Many Requests: too many calls in flight through gitd's gateway","parameters":{"retry_after":1}}`, body)
	other := "987654321:AAothersecretothersecretothersecret1"
	code, _ = call(other, "getMe")
	assert.Equal(t, http.StatusOK, code, "another bot is not held up")
	close(hold)
	wg.Wait()
	code, _ = call(tok, "getMe")
	assert.Equal(t, http.StatusOK, code)
	assert.Empty(t, arrived, "the refused call never went upstream")
}
