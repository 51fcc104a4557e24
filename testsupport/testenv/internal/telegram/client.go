package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Client drives a fake's control endpoints. The faketelegram binary uses it
// for its queue and sent subcommands, which tests run with docker exec so
// that nothing needs publishing to the host.
type Client struct {
	BaseURL string // e.g. http://127.0.0.1:8081
	HTTP    *http.Client
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(msg))
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Queue queues a user's message.
func (c *Client) Queue(ctx context.Context, q QueueRequest) (Update, error) {
	var u Update
	return u, c.do(ctx, http.MethodPost, "/control/updates", q, &u)
}

// Sent lists sendMessage calls, all or only token's.
func (c *Client) Sent(ctx context.Context, token string) ([]Sent, error) {
	var s []Sent
	return s, c.do(ctx, http.MethodGet, "/control/sent?token="+url.QueryEscape(token), nil, &s)
}

// Conflicts counts the 409 answers per token.
func (c *Client) Conflicts(ctx context.Context) (map[string]int, error) {
	var m map[string]int
	return m, c.do(ctx, http.MethodGet, "/control/conflicts", nil, &m)
}

// SetWebhook sets a webhook for token as a bot's owner would, elsewhere.
func (c *Client) SetWebhook(ctx context.Context, token, hook string) error {
	var ok bool
	return c.botCall(ctx, token, "setWebhook", url.Values{"url": {hook}}, &ok)
}

// botCall calls a Bot API method and unwraps its envelope.
func (c *Client) botCall(ctx context.Context, token, method string, params url.Values, out any) error {
	var env struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		Description string          `json:"description"`
	}
	if err := c.do(ctx, http.MethodGet, "/bot"+token+"/"+method+"?"+params.Encode(), nil, &env); err != nil {
		return err
	}
	if !env.OK {
		return fmt.Errorf("%s: %s", method, env.Description)
	}
	return json.Unmarshal(env.Result, out)
}

// Reset forgets all state.
func (c *Client) Reset(ctx context.Context) error {
	var ok bool
	return c.do(ctx, http.MethodPost, "/control/reset", nil, &ok)
}
