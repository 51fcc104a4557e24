package config

import "github.com/botrunner/botrunner/hint"

// Sentinels: gitd does not start with any of them.
var (
	ErrBadFlags    = hint.New("BAD_FLAGS", "bad flags", "run `gitd --help` for the flags")
	ErrBadAdminKey = hint.New("BAD_ADMIN_KEY", "cannot read an admin key", "pass a .pub file or a key line to --admin-key")
)
