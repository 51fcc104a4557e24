package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultAPI is the real Bot API; GITD_TELEGRAM_API points gitd elsewhere
// (a local Bot API server, or a test's fake).
const DefaultAPI = "https://api.telegram.org"

const (
	callTimeout = 10 * time.Second // one call, connection to last byte
	maxAnswer   = 1 << 20          // bytes of one answer read at most
)

// Client calls the Bot API for any token. The zero value is not usable;
// make one with New.
type Client struct {
	base string
	hc   *http.Client
}

// New returns a client of the Bot API at base ("" = DefaultAPI). hc nil
// means a client of its own that follows no redirects (a redirect would
// carry the token to another host).
func New(base string, hc *http.Client) *Client {
	if base == "" {
		base = DefaultAPI
	}
	if hc == nil {
		hc = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &Client{base: strings.TrimRight(base, "/"), hc: hc}
}

// User is getMe's answer: the bot itself.
type User struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Username  string `json:"username"`
}

// WebhookInfo is getWebhookInfo's answer; URL "" means no webhook is set
// (the bot may poll).
type WebhookInfo struct {
	URL                string `json:"url"`
	PendingUpdateCount int    `json:"pending_update_count"`
	LastErrorMessage   string `json:"last_error_message"`
}

// GetMe checks token: ErrTokenRefused if Telegram does not know it.
func (c *Client) GetMe(ctx context.Context, token string) (User, error) {
	var u User
	return u, c.call(ctx, token, "getMe", nil, &u)
}

// GetWebhookInfo says whether a webhook is set for the bot. The URL comes
// with the token redacted: many frameworks put it in the webhook's path
// (python-telegram-bot's url_path=TOKEN), and the URL is shown to
// collaborators and in push output, which may not see the token.
func (c *Client) GetWebhookInfo(ctx context.Context, token string) (WebhookInfo, error) {
	var w WebhookInfo
	err := c.call(ctx, token, "getWebhookInfo", nil, &w)
	w.URL = Redact(w.URL, token)
	return w, err
}

// DeleteWebhook removes the bot's webhook (pending updates are kept), so
// that getUpdates works again.
func (c *Client) DeleteWebhook(ctx context.Context, token string) error {
	var ok bool
	return c.call(ctx, token, "deleteWebhook", nil, &ok)
}

// SendMessage sends text (plain, no parse mode) to chat, an id or
// @channelname.
func (c *Client) SendMessage(ctx context.Context, token, chat, text string) error {
	var m json.RawMessage
	return c.call(ctx, token, "sendMessage", url.Values{"chat_id": {chat}, "text": {text}}, &m)
}

// envelope is every Bot API answer.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

// call posts params as a form to method and decodes the result into out.
func (c *Client) call(ctx context.Context, token, method string, params url.Values, out any) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/bot"+token+"/"+method,
		strings.NewReader(params.Encode()))
	if err != nil {
		return ErrUnreachable.With(fmt.Sprintf("%s: bad API address: %s", method, Redact(err.Error(), token)), nil)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.hc.Do(req)
	if err != nil {
		// url.Error's text holds the URL and so the token: keep neither.
		return ErrUnreachable.With(fmt.Sprintf("%s: %s: %s", ErrUnreachable.Msg, method, Redact(cause(err), token)), nil)
	}
	defer resp.Body.Close()
	var env envelope
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(&env); err != nil {
		return ErrUnreachable.With(fmt.Sprintf("%s: HTTP %d, not a Bot API answer", method, resp.StatusCode), nil)
	}
	return answer(method, token, resp.StatusCode, env, out)
}

// answer turns an envelope into out or an error.
func answer(method, token string, status int, env envelope, out any) error {
	switch {
	case env.OK:
		if err := json.Unmarshal(env.Result, out); err != nil {
			return ErrUnreachable.With(fmt.Sprintf("%s: unexpected result: %v", method, err), nil)
		}
		return nil
	case status == http.StatusUnauthorized || env.ErrorCode == http.StatusUnauthorized:
		return ErrTokenRefused
	case status >= 500:
		return ErrUnreachable.With(fmt.Sprintf("%s: HTTP %d", method, status), nil)
	}
	desc := Redact(env.Description, token)
	if len(desc) > 200 {
		desc = desc[:200]
	}
	return ErrAPI.With(fmt.Sprintf("%s: Telegram answered %d: %s", method, env.ErrorCode, desc), nil)
}

// cause is a transport error without the url.Error wrapper (whose text
// holds the whole URL).
func cause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer in time"
	}
	return err.Error()
}
