package telegram

import "strings"

// Conflict is what a bot's 409 answer says went wrong.
type Conflict int

const (
	NoConflict Conflict = iota
	// OtherPoller: another process polls the same token (Telegram hands the
	// updates to the newest getUpdates and ends the other one).
	OtherPoller
	// WebhookActive: the bot polls while a webhook is set.
	WebhookActive
)

// Telegram's own words, which python-telegram-bot, aiogram, telegraf,
// grammY, pyTelegramBotAPI and the rest print as part of their error lines.
const (
	otherPollerText   = "terminated by other getUpdates request"
	webhookActiveText = "can't use getUpdates method while webhook is active"
)

// ConflictIn reports whether a line of a bot's output is a framework
// logging Telegram's 409 Conflict, and which one.
func ConflictIn(line string) Conflict {
	switch {
	case strings.Contains(line, otherPollerText):
		return OtherPoller
	case strings.Contains(line, webhookActiveText):
		return WebhookActive
	}
	return NoConflict
}
