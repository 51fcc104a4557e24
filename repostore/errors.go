package repostore

import "github.com/botrunner/botrunner/hint"

var (
	// ErrNoRepo is an app whose repository does not exist on disk.
	ErrNoRepo = hint.New("NO_REPO", "repository not found", "push to create the app")
	// ErrBadCommit is a commit ID that is not 40 lowercase hex digits.
	ErrBadCommit = hint.New("BAD_COMMIT_ID", "not a commit ID", "name a commit by its full 40-digit ID")
)
