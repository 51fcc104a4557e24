// Package botwatch watches apps' bots for the trouble only a Telegram bot
// has, from outside the deploy engine: after a deploy it asks Telegram
// whether a webhook is set (a polling bot then hears nothing) and says so
// in the push output; in the bots' output it recognises the 409 Conflict
// every framework logs when a second copy polls the same token (or a
// webhook is set), so that `status` can show `conflict` and the owner gets
// a notice. It wraps the parts it watches (the push pipeline, the log
// sink) instead of living inside them.
package botwatch
