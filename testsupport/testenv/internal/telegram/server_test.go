package telegram

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const token = "123456:TEST-token"

func start(t *testing.T) (*httptest.Server, *Client) {
	t.Helper()
	ts := httptest.NewServer(New(slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(ts.Close)
	return ts, &Client{BaseURL: ts.URL}
}

type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

func call(t *testing.T, ts *httptest.Server, method string, body url.Values) envelope {
	t.Helper()
	resp, err := http.PostForm(ts.URL+"/bot"+token+"/"+method, body)
	require.NoError(t, err)
	defer resp.Body.Close()
	var e envelope
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&e))
	return e
}

func TestGetMe(t *testing.T) {
	ts, _ := start(t)
	e := call(t, ts, "getMe", nil)
	require.True(t, e.OK)
	var u User
	require.NoError(t, json.Unmarshal(e.Result, &u))
	assert.Equal(t, int64(123456), u.ID)
	assert.True(t, u.IsBot)
	assert.Equal(t, "fake_123456_bot", u.Username)
}

func TestJSONContentTypeWithoutBody(t *testing.T) {
	ts, _ := start(t)
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/bot"+token+"/getMe", nil)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestSendMessageParamEncodings(t *testing.T) {
	ts, c := start(t)
	tests := []struct {
		name string
		req  func() (*http.Response, error)
	}{
		{"json", func() (*http.Response, error) {
			return http.Post(ts.URL+"/bot"+token+"/sendMessage", "application/json",
				strings.NewReader(`{"chat_id": 42, "text": "json"}`))
		}},
		{"form", func() (*http.Response, error) {
			return http.PostForm(ts.URL+"/bot"+token+"/sendmessage", url.Values{"chat_id": {"42"}, "text": {"form"}})
		}},
		{"query", func() (*http.Response, error) {
			return http.Get(ts.URL + "/bot" + token + "/sendMessage?chat_id=42&text=query")
		}},
	}
	for _, tt := range tests {
		resp, err := tt.req()
		require.NoError(t, err, tt.name)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, tt.name)
	}
	sent, err := c.Sent(context.Background(), token)
	require.NoError(t, err)
	require.Len(t, sent, 3)
	for i, tt := range tests {
		assert.Equal(t, int64(42), sent[i].ChatID)
		assert.Equal(t, tt.name, sent[i].Text)
		assert.Equal(t, token, sent[i].Token)
	}
	other, err := c.Sent(context.Background(), "999:other")
	require.NoError(t, err)
	assert.Empty(t, other)

	bad := call(t, ts, "sendMessage", url.Values{"chat_id": {"42"}})
	assert.False(t, bad.OK)
	assert.Equal(t, http.StatusBadRequest, bad.ErrorCode)
}

func updates(t *testing.T, e envelope) []Update {
	t.Helper()
	require.True(t, e.OK, e.Description)
	var ups []Update
	require.NoError(t, json.Unmarshal(e.Result, &ups))
	return ups
}

func TestGetUpdatesOffsetAndEntities(t *testing.T) {
	ts, c := start(t)
	ctx := context.Background()
	u1, err := c.Queue(ctx, QueueRequest{ChatID: 7, Text: "/start now"})
	require.NoError(t, err)
	_, err = c.Queue(ctx, QueueRequest{ChatID: 7, Text: "hi"})
	require.NoError(t, err)
	_, err = c.Queue(ctx, QueueRequest{ChatID: 8, Text: "not for you", Token: "999:other"})
	require.NoError(t, err)

	ups := updates(t, call(t, ts, "getUpdates", nil))
	require.Len(t, ups, 2)
	assert.Equal(t, u1.UpdateID, ups[0].UpdateID)
	assert.Equal(t, ups[0].UpdateID+1, ups[1].UpdateID)
	m := ups[0].Message
	assert.Equal(t, int64(7), m.Chat.ID)
	assert.Equal(t, "private", m.Chat.Type)
	assert.Equal(t, int64(7), m.From.ID)
	assert.NotZero(t, m.Date)
	assert.Equal(t, []Entity{{Type: "bot_command", Offset: 0, Length: 6}}, m.Entities)
	assert.Empty(t, ups[1].Message.Entities)

	// Offset confirms: only the second update is left.
	next := ups[0].UpdateID + 1
	ups = updates(t, call(t, ts, "getUpdates", url.Values{"offset": {itoa(next)}}))
	require.Len(t, ups, 1)
	assert.Equal(t, "hi", ups[0].Message.Text)
	ups = updates(t, call(t, ts, "getUpdates", url.Values{"offset": {itoa(next + 1)}}))
	assert.Empty(t, ups)
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestGetUpdatesLongPoll(t *testing.T) {
	ts, c := start(t)
	go func() {
		time.Sleep(200 * time.Millisecond)
		_, _ = c.Queue(context.Background(), QueueRequest{ChatID: 1, Text: "late"})
	}()
	began := time.Now()
	ups := updates(t, call(t, ts, "getUpdates", url.Values{"timeout": {"10"}}))
	require.Len(t, ups, 1)
	assert.Equal(t, "late", ups[0].Message.Text)
	assert.Less(t, time.Since(began), 5*time.Second, "woken by the update, not the timeout")

	began = time.Now()
	ups = updates(t, call(t, ts, "getUpdates", url.Values{"timeout": {"1"}, "offset": {itoa(ups[0].UpdateID + 1)}}))
	assert.Empty(t, ups)
	assert.GreaterOrEqual(t, time.Since(began), 900*time.Millisecond, "waited for the timeout")
}

func TestSecondPollerGetsOldOneConflict(t *testing.T) {
	ts, c := start(t)
	first := make(chan envelope, 1)
	go func() { first <- call(t, ts, "getUpdates", url.Values{"timeout": {"20"}}) }()
	st := ts.Config.Handler.(*Server).store
	require.Eventually(t, func() bool {
		st.mu.Lock()
		defer st.mu.Unlock()
		return len(st.polls) == 1
	}, 5*time.Second, 10*time.Millisecond, "first poll is waiting")

	second := make(chan envelope, 1)
	go func() { second <- call(t, ts, "getUpdates", url.Values{"timeout": {"20"}}) }()
	e := <-first
	assert.False(t, e.OK)
	assert.Equal(t, http.StatusConflict, e.ErrorCode)

	_, err := c.Queue(context.Background(), QueueRequest{ChatID: 1, Text: "x"})
	require.NoError(t, err)
	assert.Len(t, updates(t, <-second), 1)
	conflicts, err := c.Conflicts(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[string]int{token: 1}, conflicts)
}

func TestDeleteWebhookDropsPending(t *testing.T) {
	ts, c := start(t)
	_, err := c.Queue(context.Background(), QueueRequest{ChatID: 1, Text: "old"})
	require.NoError(t, err)
	assert.True(t, call(t, ts, "deleteWebhook", url.Values{"drop_pending_updates": {"true"}}).OK)
	assert.Empty(t, updates(t, call(t, ts, "getUpdates", nil)))
}

func TestUnknownMethodAndPaths(t *testing.T) {
	ts, _ := start(t)
	e := call(t, ts, "sendRocket", nil)
	assert.False(t, e.OK)
	assert.Equal(t, http.StatusNotFound, e.ErrorCode)

	resp, err := http.Get(ts.URL + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	resp, err = http.Post(ts.URL+"/control/updates", "application/json", strings.NewReader(`{"text":"no chat"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}
