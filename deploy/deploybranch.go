package deploy

import (
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// DeployBranch is the branch a commit made on the server (deploy:archive,
// deploy:git) goes to so that the pipeline deploys it: the branch a push
// would deploy (the app's setting, else main, else master when the repo has
// master and no main), and main in a repo with neither, as a first push of
// main would.
func DeployBranch(app string, set store.AppSettings, refs RefReader) plumbing.ReferenceName {
	b := deployBranch(&receive.Push{App: app}, set, refs)
	master := plumbing.NewBranchReferenceName("master")
	if b != master {
		return b
	}
	if h, err := refs.Head(app, master); err == nil && !h.IsZero() {
		return master
	}
	return plumbing.NewBranchReferenceName("main")
}
