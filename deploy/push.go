package deploy

import (
	"context"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// The push pipeline: receive runs the Engine (a receive.Pipeline) on each
// push, under the app's lock, and tells it how the push ended (Committed,
// accept.go). What a push deploys is planned in push_plan.go.

var _ receive.Pipeline = (*Engine)(nil)

// Run deploys the push's deploy ref, if it has one, and notes what it only
// stores. Its error rejects the whole push.
func (d *Engine) Run(ctx context.Context, p *receive.Push) error {
	app, err := d.store.App(p.App)
	if err != nil {
		return err
	}
	pl := planPush(p, app.Settings, d.repos)
	for _, u := range pl.stored {
		why := "only the deploy branch and tags deploy"
		if u.Name.IsTag() {
			why = "tag deploys are off for this app"
		}
		step(p.Progress, "%s: stored %s at %s (not deployed: %s)", p.App, u.Name.Short(), u.New.String()[:7], why)
	}
	if pl.gone != nil {
		step(p.Progress, "%s: deleted %s, its deploy branch; the running bot stays as it is", p.App, pl.gone.Name.Short())
	}
	if pl.deploy == nil {
		return nil
	}
	if pl.along != nil {
		step(p.Progress, "%s: %s moves to %s with tag %s, which deploys", p.App, pl.along.Name.Short(),
			pl.along.New.String()[:7], pl.deploy.Name.Short())
	}
	d.dropPending(p.App)
	err = d.deploy(ctx, app, p, *pl.deploy)
	if err != nil {
		d.setPhase(p.App, "")
	} // else the release is still "starting" until Committed
	return err
}

// deploy builds and runs one pushed update.
func (d *Engine) deploy(ctx context.Context, app store.App, p *receive.Push, u receive.Command) error {
	tree, err := p.Tree(u.New)
	if err != nil {
		return ErrDeployFailed.With("deploy failed: read the pushed tree", err)
	}
	s, err := d.buildRelease(ctx, app, tree, store.Release{App: app.Name, Commit: commitOf(p, u.New).String(),
		Ref: u.Name.String(), Tag: tagName(u), Pusher: p.Pusher}, p.Progress)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.pending[app.Name] = s // accepted or taken back in Committed
	d.mu.Unlock()
	return nil
}

// commitOf peels an annotated tag (what `git tag -a` pushes) to the commit
// it names: a release records the commit, not the tag object.
func commitOf(p *receive.Push, h plumbing.Hash) plumbing.Hash {
	for range 10 { // tags of tags are legal; loops are not
		tag, err := object.GetTag(p.Objects, h)
		if err != nil {
			return h
		}
		h = tag.Target
	}
	return h
}

func tagName(u receive.Command) string {
	if u.Name.IsTag() {
		return u.Name.Short()
	}
	return ""
}
