// Package gateway is the opt-in Bot API gateway: bots whose app has
// `telegram=gateway` get TELEGRAM_API pointing here, and every call is
// forwarded to the real Bot API while the gateway records, per bot gitd
// watches, the last getUpdates, the 409 Conflicts and the error rate. That is what lets
// gitd know a bot polls: a start check that passes at the first getUpdates,
// `status` showing "polling, last getUpdates 2 s ago", and a liveness check
// that restarts a bot that stopped polling ("healthy but deaf").
//
// Records are kept by a hash of the whole token, and only for the bots gitd
// asked about: the bot id is public, so another bot could otherwise pass
// for one, and made-up tokens would grow the records without end. Paths
// are held to the Bot API's forms (a token, a method of letters; file paths
// without "." or ".." segments), so no call reaches another path upstream.
//
// It never logs a token (only the bot id before the colon is logged) nor a
// message's contents (bodies are streamed, not read).
package gateway
