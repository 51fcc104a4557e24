// Package logstore keeps each app's bounded log on disk so that it survives bot
// crashes, restarts, redeploys and gitd restarts, and keeps the app's recent
// build logs.
//
// Layout under the store's dir (0700):
//
//	<app>/0000000000000001.jsonl   runtime log segments, oldest first
//	<app>/builds/v<release>.log    build logs, one per release
//
// A segment is append-only JSON lines ({"t":…,"r":…,"s":…,"x":…}), readable
// with jq. The active segment rotates at MaxBytesPerApp/4, and the oldest
// segments are deleted before a write would take the app's total past
// MaxBytesPerApp, so the cap holds at every moment. Memory holds only each
// app's segment list and sizes, its open active file and its followers.
//
// Writes are not fsynced: a machine crash may lose the last lines, and a torn
// last line is cut off when the app is next loaded.
//
// Secret values stay out of the files: given Options.Secrets, every value
// an app's config vars have had (now, and in each release) is redacted from
// its lines and build logs before they are written, and again when they are
// read, for logs written before a value was known. Values shorter than
// MinSecret are not redacted. Redact and Redactor keep them out of streamed
// build output.
package logstore
