package receive

import (
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// maxEdgeTrees bounds the trees of commits the client has that are walked
// to leave their objects out of the pack.
const maxEdgeTrees = 64

// objectList works out the objects of a fetch: the commits reachable from
// wants, not from the common commits and not past a shallow stop, with
// their trees and blobs minus those the client's edge commits hold.
type objectList struct {
	st    storer.EncodedObjectStorer
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

func listObjects(st storer.EncodedObjectStorer, wants, common []plumbing.Hash, plan *shallowPlan) (*objectList, error) {
	stop := plan.stop
	known, err := ancestors(st, common, plan.known)
	if err != nil {
		return nil, err
	}
	l := &objectList{st: st, stop: stop, known: known, out: map[plumbing.Hash]bool{}}
	commits, err := l.commits(append(append([]plumbing.Hash(nil), wants...), plan.parents...))
	if err != nil {
		return nil, err
	}
	skip := map[plumbing.Hash]bool{}
	l.skip = skip
	for i, h := range append(l.edges, common...) {
		if i >= maxEdgeTrees {
			break
		}
		if c, err := object.GetCommit(st, h); err == nil {
			if err := l.trees(c.TreeHash, skip, false); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range commits {
		if err := l.trees(c.TreeHash, skip, true); err != nil {
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
// commits end the walk and are remembered as edges.
func (l *objectList) commits(wants []plumbing.Hash) ([]*object.Commit, error) {
	var commits []*object.Commit
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
		obj, err := l.st.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return nil, err
		}
		c, next, err := l.take(obj)
		if err != nil {
			return nil, err
		}
		if c != nil {
			commits = append(commits, c)
		}
		stack = append(stack, next...)
	}
	return commits, nil
}

// take sends obj and returns what to walk from it: a commit (or a bare
// tree, as a commit without parents) and the objects it leads to.
func (l *objectList) take(obj plumbing.EncodedObject) (*object.Commit, []plumbing.Hash, error) {
	h := obj.Hash()
	if obj.Type() == plumbing.TreeObject {
		return &object.Commit{TreeHash: h}, nil, nil // trees() sends it
	}
	l.add(h)
	switch obj.Type() {
	case plumbing.TagObject:
		t, err := object.DecodeTag(l.st, obj)
		if err != nil {
			return nil, nil, err
		}
		return nil, []plumbing.Hash{t.Target}, nil
	case plumbing.CommitObject:
		c, err := object.DecodeCommit(l.st, obj)
		if err != nil || l.stop[h] {
			return c, nil, err
		}
		return c, c.ParentHashes, nil
	}
	return nil, nil, nil
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
		t, err := object.GetTree(l.st, h)
		if err != nil {
			return err
		}
		for _, e := range t.Entries {
			switch {
			case e.Mode == filemode.Submodule:
			case e.Mode == filemode.Dir:
				stack = append(stack, e.Hash)
			case skip[e.Hash]:
			case send:
				l.add(e.Hash)
			default:
				skip[e.Hash] = true
			}
		}
	}
	return nil
}
