package deploy

import "github.com/botrunner/botrunner/hint"

var (
	// ErrUnsafeTree is a tree a checkout must not write: a path out of the
	// tree, a link pointing out of it, or a special file.
	ErrUnsafeTree = hint.New("UNSAFE_TREE", "the pushed tree cannot be checked out safely",
		"remove links that point outside the repo and push again")
	// ErrTreeTooLarge is a tree over the checkout limits.
	ErrTreeTooLarge = hint.New("TREE_TOO_LARGE", "the pushed tree is too large to deploy",
		"keep data files out of the repo (.gitignore them); bots should be small")
	// ErrStartFailed is a release that did not stay up for the start check.
	ErrStartFailed = hint.New("START_FAILED", "start check failed",
		"the bot exited while starting; its last log lines are above — fix it and push again")
	// ErrDestroyIncomplete is an apps:destroy that could not remove all of
	// the app; the app is kept so that destroy can be run again.
	ErrDestroyIncomplete = hint.New("DESTROY_INCOMPLETE", "the app could not be removed completely",
		"run apps:destroy again; if it keeps failing, tell the server's admin (gitd's log names what is left)")
	// ErrDeployFailed is any other failure of the deploy steps.
	ErrDeployFailed = hint.New("DEPLOY_FAILED", "deploy failed",
		"the previous release keeps running; try the push again, or ask the admin to check gitd's log")
)
