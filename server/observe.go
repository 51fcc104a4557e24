package server

import "time"

// Observer hears what the SSH server does, for the metrics and the audit
// log. It is called on the session's goroutine: keep it quick.
type Observer interface {
	// KeyRefused: a client offered a key no user or deploy key has.
	KeyRefused(remote, fingerprint string)
	// SessionEnded: an authenticated session ran its command (git or not).
	SessionEnded(s Session)
}

// Session is one authenticated session as it ended. Command is the
// client's words: config:set's values are in it, so an Observer that
// keeps it must take them out.
type Session struct {
	User    string // as auth names the identity ("alice", "deploy key of my-bot")
	Remote  string // address:port
	Command []string
	Status  int
	Took    time.Duration
}
