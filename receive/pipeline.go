package receive

import (
	"context"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Pipeline is the seam where deploys plug in. It runs after the pack is in
// quarantine and before any ref moves, under the app's lock. Its error
// rejects the whole push: every ref is reported "ng" with the error's first
// line, the full error (and hint) reach the pusher as remote: lines, and the
// quarantine is dropped.
type Pipeline interface {
	Run(ctx context.Context, p *Push) error
}

// Committer is a Pipeline that hears how a push it ran ended. Committed is
// called under the app's lock right after the quarantined objects moved into
// the repository and the refs were updated (err nil), or with the reason
// that failed. A pipeline records what it did as accepted only on nil, and
// takes it back otherwise: nothing is accepted before the repository has it.
type Committer interface {
	Pipeline
	Committed(ctx context.Context, p *Push, err error)
}

// PipelineFunc adapts a function to Pipeline.
type PipelineFunc func(ctx context.Context, p *Push) error

// Run calls f.
func (f PipelineFunc) Run(ctx context.Context, p *Push) error { return f(ctx, p) }

// Push is what the pipeline sees of an accepted-so-far push.
type Push struct {
	App      string
	Pusher   string    // who pushed, as auth names them
	Updates  []Command // the ref updates that passed every check, in request order
	Options  []string  // git push -o values
	Progress io.Writer // lines written here reach the pusher as "remote: ..."
	// Objects reads the repo as it will be if the push is accepted:
	// quarantined objects first, then the repo's own.
	Objects storer.EncodedObjectStorer
}

// Tree returns the tree a pushed commit or annotated tag points at.
func (p *Push) Tree(h plumbing.Hash) (*object.Tree, error) {
	obj, err := object.GetObject(p.Objects, h)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", h, err)
	}
	for {
		switch o := obj.(type) {
		case *object.Commit:
			return o.Tree()
		case *object.Tree:
			return o, nil
		case *object.Tag:
			if obj, err = o.Object(); err != nil {
				return nil, fmt.Errorf("peel tag %s: %w", o.Name, err)
			}
		default:
			return nil, fmt.Errorf("%s is a %s, not a commit", h, obj.Type())
		}
	}
}
