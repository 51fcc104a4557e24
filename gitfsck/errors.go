package gitfsck

import "github.com/botrunner/botrunner/hint"

var (
	// ErrBadTree is a tree git's fsck refuses: an unsafe or malformed entry.
	ErrBadTree = hint.New("BAD_TREE", "the pushed tree has an entry git refuses",
		"remove or rename the entry (.git look-alikes, ., .., names with /) and push again; `git fsck` in your repo names it too")
	// ErrBadCommit is a commit or tag whose header git's fsck refuses.
	ErrBadCommit = hint.New("BAD_OBJECT", "the pushed commit or tag is malformed",
		"run `git fsck --strict` in your repo; rewrite the object with a stock git client")
)
