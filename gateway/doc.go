// Package gateway is the opt-in Bot API gateway: bots whose app has
// `telegram=gateway` get TELEGRAM_API pointing here, and every call is
// forwarded to the real Bot API while the gateway records, per bot id, the
// last getUpdates, the 409 Conflicts and the error rate. That is what lets
// gitd know a bot polls: a start check that passes at the first getUpdates,
// `status` showing "polling, last getUpdates 2 s ago", and a liveness check
// that restarts a bot that stopped polling ("healthy but deaf").
//
// It never logs a token (the path holds one: only the bot id before the
// colon is kept) nor a message's contents (bodies are streamed, not read).
package gateway
