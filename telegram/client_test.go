package telegram

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

const tok = "123456789:AAsecretsecretsecretsecretsecret123"

// api answers like the Bot API: a valid token's getMe, a 401 for others.
func api(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) *Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(h))
	t.Cleanup(ts.Close)
	return New(ts.URL, nil)
}

func TestGetMe(t *testing.T) {
	c := api(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/bot"+tok+"/getMe" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			return
		}
		fmt.Fprint(w, `{"ok":true,"result":{"id":123456789,"is_bot":true,"first_name":"E","username":"echo_bot"}}`)
	})
	u, err := c.GetMe(t.Context(), tok)
	require.NoError(t, err)
	assert.Equal(t, User{ID: 123456789, IsBot: true, FirstName: "E", Username: "echo_bot"}, u)

	_, err = c.GetMe(t.Context(), "123456789:AAotherotherotherotherotherother12")
	assert.True(t, errors.Is(err, ErrTokenRefused), "%v", err)
	assert.Equal(t, "TELEGRAM_TOKEN_REFUSED", hint.CodeOf(err))
}

func TestErrorsNeverHoldTheToken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close() // nothing listens: connection refused, a url.Error with the URL
	slow := api(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	junk := api(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"ok":false,"error_code":400,"description":"Bad Request: token %s"}`, tok)
	})
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	cases := map[string]struct {
		c    *Client
		ctx  context.Context
		want *hint.Error
	}{
		"refused": {New("http://"+addr, nil), t.Context(), ErrUnreachable},
		"timeout": {slow, ctx, ErrUnreachable},
		"echoed":  {junk, t.Context(), ErrAPI},
	}
	for name, tc := range cases {
		_, err := tc.c.GetMe(tc.ctx, tok)
		require.Error(t, err, name)
		assert.True(t, errors.Is(err, tc.want), "%s: %v", name, err)
		assert.NotContains(t, err.Error(), "secretsecret", name)
	}
}

func TestAnswersAreBounded(t *testing.T) {
	c := api(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"ok":true,"result":{"username":"`+strings.Repeat("a", 2*maxAnswer)+`"}}`)
	})
	_, err := c.GetMe(t.Context(), tok)
	assert.True(t, errors.Is(err, ErrUnreachable), "%v", err)
}

func TestNoRedirects(t *testing.T) {
	var hit bool
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit = true }))
	defer other.Close()
	c := api(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	_, err := c.GetMe(t.Context(), tok)
	require.Error(t, err)
	assert.False(t, hit, "the token must not follow a redirect to another host")
}

func TestWebhookCalls(t *testing.T) {
	hook := "https://example.invalid/hook"
	c := api(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bot" + tok + "/getWebhookInfo":
			fmt.Fprintf(w, `{"ok":true,"result":{"url":%q,"pending_update_count":3}}`, hook)
		case "/bot" + tok + "/deleteWebhook":
			hook = ""
			fmt.Fprint(w, `{"ok":true,"result":true}`)
		case "/bot" + tok + "/sendMessage":
			require.NoError(t, r.ParseForm())
			assert.Equal(t, "42", r.PostForm.Get("chat_id"))
			assert.Equal(t, "hi", r.PostForm.Get("text"))
			fmt.Fprint(w, `{"ok":true,"result":{"message_id":1}}`)
		}
	})
	info, err := c.GetWebhookInfo(t.Context(), tok)
	require.NoError(t, err)
	assert.Equal(t, "https://example.invalid/hook", info.URL)
	assert.Equal(t, 3, info.PendingUpdateCount)
	require.NoError(t, c.DeleteWebhook(t.Context(), tok))
	info, err = c.GetWebhookInfo(t.Context(), tok)
	require.NoError(t, err)
	assert.Empty(t, info.URL)
	require.NoError(t, c.SendMessage(t.Context(), tok, "42", "hi"))
}

func TestTokenForm(t *testing.T) {
	assert.Equal(t, "123456789", BotID(tok))
	assert.Equal(t, "", BotID("hello"))
	assert.Equal(t, "", BotID("123:short"))
	assert.Equal(t, "see 123456789:<redacted>/getMe", Redact("see "+tok+"/getMe", tok))
}

func TestConflictIn(t *testing.T) {
	for line, want := range map[string]Conflict{
		// python-telegram-bot 13
		"telegram.error.Conflict: Conflict: terminated by other getUpdates request; make sure that only one bot instance is running": OtherPoller,
		// aiogram 3
		"aiogram.exceptions.TelegramConflictError: Telegram server says - Conflict: terminated by other getUpdates request; make sure that only one bot instance is running": OtherPoller,
		// telegraf
		"Error: 409: Conflict: terminated by other getUpdates request; make sure that only one bot instance is running": OtherPoller,
		// grammY
		"GrammyError: Call to 'getUpdates' failed! (409: Conflict: terminated by other getUpdates request; make sure that only one bot instance is running)": OtherPoller,
		"telegram.error.Conflict: Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first":              WebhookActive,
		"INFO started polling": NoConflict,
	} {
		assert.Equal(t, want, ConflictIn(line), line)
	}
}

// A webhook whose path holds the token (python-telegram-bot's
// url_path=TOKEN) comes back with the token redacted: the URL is shown to
// collaborators and in push output.
func TestWebhookURLHidesToken(t *testing.T) {
	c := api(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"ok":true,"result":{"url":%q}}`, "https://bot.example/"+tok)
	})
	info, err := c.GetWebhookInfo(t.Context(), tok)
	require.NoError(t, err)
	assert.Equal(t, "https://bot.example/123456789:<redacted>", info.URL)
}
