package receive

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/botrunner/botrunner/packout"
)

// maxEdgeTrees bounds the trees of commits the client has that are walked
// to leave their objects out of the pack.
const maxEdgeTrees = 64

// objectList works out the objects of a fetch: the commits reachable from
// wants, not from the common commits and not past a shallow stop, with
// their trees and blobs minus those the client's edge commits hold.
type objectList struct {
	objs  *packout.Objects
	stop  map[plumbing.Hash]bool
	known map[plumbing.Hash]bool // commits the client has
	edges []plumbing.Hash        // known commits next to sent ones
	out   map[plumbing.Hash]bool
	list  []plumbing.Hash
	skip  map[plumbing.Hash]bool // trees and blobs the client has
}

// has says whether the client has h, as far as the walk saw: a thin pack
// may leave it out as a delta base.
func (l *objectList) has(h plumbing.Hash) bool { return l.skip[h] || l.known[h] }

func listObjects(st storer.EncodedObjectStorer, objs *packout.Objects, wants, common []plumbing.Hash, plan *shallowPlan) (*objectList, error) {
	stop := plan.stop
	known, err := ancestors(st, common, plan.known)
	if err != nil {
		return nil, err
	}
	l := &objectList{objs: objs, stop: stop, known: known, out: map[plumbing.Hash]bool{}}
	trees, err := l.commits(append(append([]plumbing.Hash(nil), wants...), plan.parents...))
	if err != nil {
		return nil, err
	}
	skip := map[plumbing.Hash]bool{}
	l.skip = skip
	for i, h := range append(l.edges, common...) {
		if i >= maxEdgeTrees {
			break
		}
		if _, data, err := objs.Read(h, plumbing.CommitObject); err == nil {
			tree, _ := commitLinks(data)
			if err := l.trees(tree, skip, false); err != nil {
				return nil, err
			}
		}
	}
	for _, t := range trees {
		if err := l.trees(t, skip, true); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *objectList) add(h plumbing.Hash) {
	if !l.out[h] {
		l.out[h] = true
		l.list = append(l.list, h)
	}
}

// commits walks from the wants: annotated tags are sent and peeled, known
// commits end the walk and are remembered as edges. It returns the root
// trees of the commits sent (and the trees wanted as such).
func (l *objectList) commits(wants []plumbing.Hash) ([]plumbing.Hash, error) {
	var trees []plumbing.Hash
	stack := append([]plumbing.Hash(nil), wants...)
	edge := map[plumbing.Hash]bool{}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if l.out[h] {
			continue
		}
		if l.known[h] {
			if !edge[h] {
				edge[h] = true
				l.edges = append(l.edges, h)
			}
			continue
		}
		tree, next, err := l.take(h)
		if err != nil {
			return nil, err
		}
		if !tree.IsZero() {
			trees = append(trees, tree)
		}
		stack = append(stack, next...)
	}
	return trees, nil
}

// take sends h and returns what to walk from it: a commit's (or a bare
// tree's own) tree and the objects it leads to.
func (l *objectList) take(h plumbing.Hash) (plumbing.Hash, []plumbing.Hash, error) {
	typ, data, err := l.objs.Read(h, plumbing.AnyObject)
	if err != nil {
		return plumbing.ZeroHash, nil, err
	}
	if typ == plumbing.TreeObject {
		return h, nil, nil // trees() sends it
	}
	l.add(h)
	switch typ {
	case plumbing.TagObject:
		target, _, ok := tagTarget(data)
		if !ok {
			return plumbing.ZeroHash, nil, fmt.Errorf("tag %s: no object line: %w", h, plumbing.ErrObjectNotFound)
		}
		return plumbing.ZeroHash, []plumbing.Hash{target}, nil
	case plumbing.CommitObject:
		tree, parents := commitLinks(data)
		if l.stop[h] {
			parents = nil
		}
		return tree, parents, nil
	}
	return plumbing.ZeroHash, nil, nil
}

// trees walks a tree: with send, each object not in skip is sent; without,
// each is put in skip.
func (l *objectList) trees(root plumbing.Hash, skip map[plumbing.Hash]bool, send bool) error {
	stack := []plumbing.Hash{root}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if skip[h] || (send && l.out[h]) {
			continue
		}
		if send {
			l.add(h)
		} else {
			skip[h] = true
		}
		_, data, err := l.objs.Read(h, plumbing.TreeObject)
		if err != nil {
			return err
		}
		err = treeEntries(data, func(dir, module bool, e plumbing.Hash) {
			switch {
			case module:
			case dir:
				stack = append(stack, e)
			case skip[e]:
			case send:
				l.add(e)
			default:
				skip[e] = true
			}
		})
		if err != nil {
			return fmt.Errorf("tree %s: %w", h, err)
		}
	}
	return nil
}
