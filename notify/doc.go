// Package notify tells an app's owner what happened to their bot: a
// Telegram message sent with the app's own bot token to the chat they
// chose, and/or a JSON POST to their webhook. At most one message per
// event kind per app per window (a minute, or the admin's
// GITD_NOTIFY_WINDOW) goes out; the rest of that window is folded into one
// summary. Notify never blocks its caller (a full queue drops and logs);
// each app's notices go out from a sender of its own, so a target that
// hangs delays only its app's; a notice that cannot be sent is logged,
// never retried forever.
package notify
