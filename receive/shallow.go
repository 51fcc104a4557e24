package receive

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// shallowPlan is the shallow boundary of one fetch: the commits the client
// gets without their parents (sent as "shallow"), the client's shallow
// commits that get their parents now ("unshallow"), and every commit whose
// parents the pack must not walk into.
type shallowPlan struct {
	shallow   []plumbing.Hash
	unshallow []plumbing.Hash
	stop      map[plumbing.Hash]bool
	// known stops the walk of what the client has: at its shallow commits,
	// whose parents it lacks.
	known map[plumbing.Hash]bool
	// parents of unshallowed commits, wanted as git's send_unshallow does
	parents []plumbing.Hash
}

// planShallow works out the boundary as git's upload-pack does: deepen <n>
// counts commits from the wants (or, relative, from the client's shallow
// commits); deepen-since and deepen-not cut where rev-list would.
func planShallow(st *filesystem.Storage, f *fetchRequest) (*shallowPlan, error) {
	p := &shallowPlan{stop: map[plumbing.Hash]bool{}, known: map[plumbing.Hash]bool{}}
	client := map[plumbing.Hash]bool{}
	for _, h := range f.shallows {
		client[h] = true
	}
	var notShallow map[plumbing.Hash]bool
	var err error
	switch {
	case f.depth > 0 && f.relative:
		notShallow, err = p.byDepth(st, f.shallows, f.depth+1)
	case f.depth > 0:
		notShallow, err = p.byDepth(st, f.wants, f.depth)
	case f.deepens():
		notShallow, err = p.byRevList(st, f)
	}
	if err != nil {
		return nil, err
	}
	for _, h := range f.shallows {
		p.known[h] = true
		if notShallow[h] {
			p.unshallow = append(p.unshallow, h)
			if c, err := object.GetCommit(st, h); err == nil {
				p.parents = append(p.parents, c.ParentHashes...)
			}
		} else {
			p.stop[h] = true
		}
	}
	return p, nil
}

// byDepth walks breadth first from starts: commits at depth limit that have
// parents become shallow. It returns the commits walked past.
func (p *shallowPlan) byDepth(st storer.EncodedObjectStorer, starts []plumbing.Hash, limit int) (map[plumbing.Hash]bool, error) {
	depth := map[plumbing.Hash]int{}
	past := map[plumbing.Hash]bool{}
	queue := []plumbing.Hash{}
	for _, h := range starts {
		if _, ok := depth[h]; !ok {
			depth[h] = 1
			queue = append(queue, h)
		}
	}
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		c, err := object.GetCommit(st, h)
		if err != nil {
			continue // a tag or tree want: nothing to cut
		}
		if depth[h] >= limit {
			if c.NumParents() > 0 {
				p.shallow = append(p.shallow, h)
				p.stop[h] = true
			}
			continue
		}
		past[h] = true
		for _, ph := range c.ParentHashes {
			if _, ok := depth[ph]; !ok {
				depth[ph] = depth[h] + 1
				queue = append(queue, ph)
			}
		}
	}
	return past, nil
}

// byRevList keeps the commits rev-list --max-age=since --not deepen-not
// would list; those with a parent left out become shallow.
func (p *shallowPlan) byRevList(st *filesystem.Storage, f *fetchRequest) (map[plumbing.Hash]bool, error) {
	excluded, err := deepenNot(st, f.deepenNot)
	if err != nil {
		return nil, err
	}
	keep := func(c *object.Commit) bool {
		return !excluded[c.Hash] && (f.since.IsZero() || !c.Committer.When.Before(f.since))
	}
	past := map[plumbing.Hash]bool{}
	seen := map[plumbing.Hash]bool{}
	queue := append([]plumbing.Hash(nil), f.wants...)
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		if seen[h] {
			continue
		}
		seen[h] = true
		c, err := object.GetCommit(st, h)
		if err != nil {
			continue
		}
		cut := false
		for _, ph := range c.ParentHashes {
			pc, err := object.GetCommit(st, ph)
			if err != nil || !keep(pc) {
				cut = true
				continue
			}
			queue = append(queue, ph)
		}
		if cut {
			p.shallow = append(p.shallow, h)
			p.stop[h] = true
		} else {
			past[h] = true
		}
	}
	if len(p.shallow) == 0 && len(past) == 0 {
		return nil, fmt.Errorf("no commits selected for shallow requests: %w", ErrBadFetch)
	}
	return past, nil
}

// deepenNot returns the commits reachable from the deepen-not refs.
func deepenNot(st *filesystem.Storage, names []string) (map[plumbing.Hash]bool, error) {
	var tips []plumbing.Hash
	for _, name := range names {
		h, ok := resolveShort(st, name)
		if !ok {
			return nil, fmt.Errorf("git upload-pack: ambiguous deepen-not: %s: %w", clip(name), ErrBadFetch)
		}
		tips = append(tips, h)
	}
	return ancestors(st, tips, nil)
}

// resolveShort finds a ref as git's dwim does: name, refs/name,
// refs/tags/name, refs/heads/name.
func resolveShort(st *filesystem.Storage, name string) (plumbing.Hash, bool) {
	for _, full := range []string{name, "refs/" + name, "refs/tags/" + name, "refs/heads/" + name} {
		h, err := current(st, plumbing.ReferenceName(full))
		if err != nil || h.IsZero() {
			continue
		}
		if peeled, ok := peelStored(st, plumbing.ReferenceName(full), h); ok {
			return peeled, true
		}
		return h, true
	}
	return plumbing.ZeroHash, false
}

// ancestors returns the commits reachable from tips, not walking past the
// commits in stop (whose parents a shallow client does not have).
func ancestors(st storer.EncodedObjectStorer, tips []plumbing.Hash, stop map[plumbing.Hash]bool) (map[plumbing.Hash]bool, error) {
	seen := map[plumbing.Hash]bool{}
	queue := append([]plumbing.Hash(nil), tips...)
	for len(queue) > 0 {
		h := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if seen[h] {
			continue
		}
		c, err := object.GetCommit(st, h)
		if err != nil {
			continue
		}
		seen[h] = true
		if !stop[h] {
			queue = append(queue, c.ParentHashes...)
		}
	}
	return seen, nil
}

// peelStored peels a tag ref that deepen-not names, through tags of tags;
// ok is false for anything else.
func peelStored(st *filesystem.Storage, name plumbing.ReferenceName, h plumbing.Hash) (plumbing.Hash, bool) {
	if !name.IsTag() {
		return plumbing.ZeroHash, false
	}
	tag, err := object.GetTag(st, h)
	for err == nil {
		var obj object.Object
		if obj, err = tag.Object(); err != nil {
			break
		}
		next, isTag := obj.(*object.Tag)
		if !isTag {
			return obj.ID(), true
		}
		tag = next
	}
	return plumbing.ZeroHash, false
}
