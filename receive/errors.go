package receive

import "github.com/botrunner/botrunner/hint"

var (
	// ErrPushTooLarge is returned when the pack is larger than the configured limit.
	ErrPushTooLarge = hint.New("PUSH_TOO_LARGE", "push is larger than the server allows",
		"keep large files out of the repo (.gitignore them) or ask the admin to raise GITD_MAX_PUSH_SIZE")
	// ErrBadRequest is a malformed or oversized receive-pack request.
	ErrBadRequest = hint.New("BAD_REQUEST", "malformed push request",
		"push with a stock git client")
	// ErrBadPack is a pack that cannot be read: truncated, garbage or thin.
	ErrBadPack = hint.New("BAD_PACK", "the pushed pack could not be read",
		"push again; if it keeps failing, run `git fsck` in your repo")
	// ErrBadRefName is a ref name git's check-ref-format would refuse.
	ErrBadRefName = hint.New("BAD_REF_NAME", "invalid ref name",
		"push branches (refs/heads/...) or tags (refs/tags/...) with valid git names")
	// ErrMissingObjects is a push whose new refs point at objects neither the
	// pack nor the repo has.
	ErrMissingObjects = hint.New("MISSING_OBJECTS", "the push is missing objects",
		"push again; if it keeps failing, run `git fsck` in your repo")
	// ErrBadTree is a pushed tree with a path that could escape a checkout.
	ErrBadTree = hint.New("BAD_TREE", "the pushed tree has an unsafe path",
		"remove entries named .git, . or .. from the commit and push again")
	// ErrStale is a ref that moved since the client read it.
	ErrStale = hint.New("STALE_REF", "the ref moved while you pushed",
		"fetch, merge or rebase, and push again")
	// ErrNoRepo is an app whose repository does not exist on disk.
	ErrNoRepo = hint.New("NO_REPO", "repository not found", "push to create the app")
)
