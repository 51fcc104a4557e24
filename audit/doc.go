// Package audit keeps gitd's record of who did what, from where: one JSON
// line per push, deploy, change (config — names only, never values —,
// access, keys, users, deploy keys, settings), destroy, rollback,
// stop/start, secret reveal and refused key, appended to audit.log in its
// directory and rotated by size. It reads the SSH server's sessions
// (server.Observer) and keeps what changes something.
package audit
