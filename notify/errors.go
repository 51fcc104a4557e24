package notify

import "github.com/botrunner/botrunner/hint"

// Sentinels.
var (
	ErrNoToken = hint.New("NOTIFY_NO_TOKEN", "no bot token to send the notice with",
		"Telegram notices are sent with the app's own bot: set BOT_TOKEN first")
	ErrWebhook = hint.New("NOTIFY_WEBHOOK_FAILED", "the notice webhook did not take the notice",
		"check that the URL answers a JSON POST with 2xx")
	ErrBadTarget = hint.New("NOTIFY_BAD_TARGET", "invalid notice target",
		"use telegram=CHAT_ID (a number, or @channel) and/or webhook=https://…; key= removes one")
)
