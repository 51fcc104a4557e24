// Package telegram is a fake of the Telegram Bot API small enough to read in
// one sitting: getMe, getUpdates (long polling, offsets, 409 on a second
// poller, or while a webhook is set), sendMessage, setWebhook, getWebhookInfo
// and deleteWebhook for any token (401 for tokens whose secret starts with
// REVOKED), plus /control/
// endpoints through which a test queues users' messages and reads what bots
// sent. It keeps everything in memory.
package telegram
