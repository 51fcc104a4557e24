package shellwords

import "github.com/botrunner/botrunner/hint"

// ErrBadCommandLine is a line Split refuses: an unterminated quote, a
// trailing backslash, or a line over the bounds.
var ErrBadCommandLine = hint.New("BAD_COMMAND_LINE", "bad command line",
	`quote arguments as 'value' (write ' inside it as '\'')`)
