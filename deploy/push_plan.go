package deploy

import (
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// plan is what a push asks of the deploy: at most one update to deploy,
// and the branches it only stores.
type plan struct {
	deploy *receive.Command
	stored []receive.Command
	along  *receive.Command // the deploy branch, moved in the same push as the deployed tag
	gone   *receive.Command // the deploy branch, deleted by this push
}

// RefReader tells whether the repo has a ref now (before the push moves it).
type RefReader interface {
	Head(app string, ref plumbing.ReferenceName) (plumbing.Hash, error)
}

// RefReaderFunc adapts a function to RefReader.
type RefReaderFunc func(app string, ref plumbing.ReferenceName) (plumbing.Hash, error)

// Head calls f.
func (f RefReaderFunc) Head(app string, ref plumbing.ReferenceName) (plumbing.Hash, error) {
	return f(app, ref)
}

// planPush picks the update to deploy: a pushed tag when tag deploys are on
// (the last one: CI pushes one), else the deploy branch — the app's
// setting, else main, else master when the repo has no main. Deletes never
// deploy; every other branch is stored only.
func planPush(p *receive.Push, set store.AppSettings, refs RefReader) plan {
	var out plan
	var tag, onBranch *receive.Command
	branch := deployBranch(p, set, refs)
	for i := range p.Updates {
		u := &p.Updates[i]
		switch {
		case u.IsDelete():
			if u.Name == branch {
				out.gone = u
			}
		case u.Name.IsTag() && set.TagDeploys():
			if tag != nil {
				out.stored = append(out.stored, *tag)
			}
			tag = u
		case u.Name == branch:
			onBranch = u
		default:
			out.stored = append(out.stored, *u)
		}
	}
	out.deploy = onBranch
	if tag != nil {
		out.deploy = tag
		out.along = onBranch
	}
	return out
}

func deployBranch(p *receive.Push, set store.AppSettings, refs RefReader) plumbing.ReferenceName {
	if set.DeployBranch != "" {
		return plumbing.NewBranchReferenceName(set.DeployBranch)
	}
	main := plumbing.NewBranchReferenceName("main")
	for _, u := range p.Updates {
		if u.Name == main && !u.IsDelete() {
			return main
		}
	}
	if h, err := refs.Head(p.App, main); err == nil && !h.IsZero() {
		return main
	}
	return plumbing.NewBranchReferenceName("master")
}
