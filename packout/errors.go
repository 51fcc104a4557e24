package packout

import "github.com/botrunner/botrunner/hint"

// ErrCorrupt is a stored pack whose entry cannot be read back.
var ErrCorrupt = hint.New("PACK_STORE_CORRUPT", "a stored pack of the repository is unreadable",
	"tell the operator: run git fsck on the app's repository")
