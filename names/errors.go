package names

import "github.com/botrunner/botrunner/hint"

// Sentinels. Errors returned by this package carry one of these codes with
// a message naming the input.
var (
	ErrInvalidApp = hint.New("INVALID_APP_NAME", "invalid app name",
		"app names must match "+AppRule+" (3-40 lowercase letters, digits and dashes, starting with a letter)")
	ErrInvalidUser = hint.New("INVALID_USER_NAME", "invalid user name",
		"user names must match "+UserRule+" (1-32 lowercase letters, digits and dashes, starting with a letter)")
	ErrInvalidConfigName = hint.New("INVALID_CONFIG_NAME", "invalid config var name",
		"names must match "+ConfigRule+" (letters, digits and _, not starting with a digit) and be at most 256 bytes")
)
