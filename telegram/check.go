package telegram

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// PrimaryVar is the config var whose token is the app's bot: BOT_TOKEN when
// it holds a token, else the first var in name order that does; "" if none.
func PrimaryVar(cfg map[string]string) string {
	if LooksLikeToken(cfg["BOT_TOKEN"]) {
		return "BOT_TOKEN"
	}
	for _, k := range slices.Sorted(maps.Keys(cfg)) {
		if LooksLikeToken(cfg[k]) {
			return k
		}
	}
	return ""
}

// TokenVars are the names in set that a token check applies to: BOT_TOKEN
// and any var whose value has a token's form, in name order.
func TokenVars(set map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(set)) {
		if LooksLikeToken(set[k]) {
			out = append(out, k)
		}
	}
	return out
}

// Checked is what Telegram said about one token.
type Checked struct {
	Var     string
	Bot     User
	Webhook WebhookInfo
	// Unchecked is why Telegram could not be asked (unreachable); the
	// token is then stored as it is, so offline servers work.
	Unchecked error
}

// Check asks Telegram about the token in var name: getMe, then
// getWebhookInfo. Its error is only ErrTokenRefused (the token must not be
// stored); an unreachable API is reported in Checked.Unchecked.
func (c *Client) Check(ctx context.Context, name, token string) (Checked, error) {
	ch := Checked{Var: name}
	u, err := c.GetMe(ctx, token)
	if errors.Is(err, ErrTokenRefused) {
		return ch, ErrTokenRefused.With(fmt.Sprintf("config var %s: Telegram refused this token (401 Unauthorized)", name), nil)
	}
	if err != nil {
		ch.Unchecked = err
		return ch, nil
	}
	ch.Bot = u
	if ch.Webhook, err = c.GetWebhookInfo(ctx, token); err != nil {
		ch.Unchecked = err
	}
	return ch, nil
}

// Name is "@username (id N)".
func (u User) Name() string { return fmt.Sprintf("@%s (id %d)", u.Username, u.ID) }

// WebhookHint is the warning shown while a webhook is set for a bot run
// here, which polls; app names the app for the command that clears it.
func WebhookHint(url, app string) string {
	return fmt.Sprintf("a webhook is set (%s): while it is, getUpdates fails with 409 Conflict and a polling bot hears nothing; "+
		"clear it with `telegram:webhook-delete %s`", url, app)
}
