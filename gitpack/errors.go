package gitpack

import "github.com/botrunner/botrunner/hint"

var (
	// ErrBadPack is a pack that is not what git writes: truncated, a bad
	// header, checksum or object, junk after the trailer, a delta that does
	// not apply.
	ErrBadPack = hint.New("BAD_PACK", "the pushed pack could not be read",
		"push again with a stock git client; if it keeps failing, run `git fsck` in your repo")
	// ErrTooLarge is a pack over one of the limits: bytes, objects, one
	// object's size or the total inflated size.
	ErrTooLarge = hint.New("PUSH_TOO_LARGE", "push is larger than the server allows",
		"keep large files out of the repo (.gitignore them) or ask the admin to raise GITD_MAX_PUSH_SIZE, GITD_MAX_OBJECT_SIZE or GITD_MAX_PUSH_INFLATED")
	// ErrMissingObjects is a push that needs objects neither it nor the
	// repository has: a thin pack's delta base, a new ref's commit.
	ErrMissingObjects = hint.New("MISSING_OBJECTS", "the push is missing objects",
		"fetch, then push again; if it keeps failing, run `git fsck` in your repo")
)
