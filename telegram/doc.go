// Package telegram talks to the Telegram Bot API on gitd's own behalf:
// getMe to check a token, getWebhookInfo and deleteWebhook for the
// webhook-versus-polling trap, sendMessage for notices. Every call has a
// bounded time and a bounded answer, and no error, log line or value it
// returns carries a token: Go's url.Error names the URL, and the URL holds
// the token, so errors are rewritten before they leave this package.
//
// It also holds what gitd knows about a token without asking Telegram: its
// form (LooksLikeToken) and its public bot id (BotID), and the text bot
// frameworks log when Telegram answers 409 Conflict (ConflictIn).
package telegram
