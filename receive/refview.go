package receive

import (
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/botrunner/botrunner/packout"
)

// refView is what one upload-pack session sees of the refs: read once and
// each tag peeled once, shared by the advertisement (or ls-refs), the
// wants' check and include-tag. A v2 mirror clone read 3,500 loose refs
// and decoded its 1,500 annotated tags twice for every command, most of
// its CPU. Wants are checked against what the client was shown, as git's
// ls-refs then fetch in one session; a ref a push moves meanwhile is seen
// by the next session.
type refView struct {
	st     *filesystem.Storage
	objs   *packout.Objects // the repository's packs, for the walk
	refs   []*plumbing.Reference
	chains map[plumbing.Hash]tagChain // by a tag ref's value
}

// tagChain is where an annotated tag leads: the tag objects on the way,
// outermost first, and the object the last one tags.
type tagChain struct {
	tags   []plumbing.Hash
	target plumbing.Hash
	found  bool // target is in the repository
}

// loadRefView reads the refs of st; the caller closes the view.
func loadRefView(st *filesystem.Storage) (*refView, error) {
	refs, err := visibleRefs(st)
	if err != nil {
		return nil, err
	}
	objs, err := packout.OpenObjects(st.Filesystem(), st)
	if err != nil {
		return nil, err
	}
	return &refView{st: st, objs: objs, refs: refs, chains: map[plumbing.Hash]tagChain{}}, nil
}

func (v *refView) Close() {
	if v != nil {
		v.objs.Close()
	}
}

// peel returns what the tag ref points at last, through tags of tags; ok
// is false for a branch, a lightweight tag or an unreadable chain.
func (v *refView) peel(ref *plumbing.Reference) (plumbing.Hash, bool) {
	c := v.chain(ref)
	return c.target, len(c.tags) > 0 && c.found
}

// chain returns the tag chain of a tag ref, worked out once a session.
func (v *refView) chain(ref *plumbing.Reference) tagChain {
	if !ref.Name().IsTag() {
		return tagChain{}
	}
	if c, ok := v.chains[ref.Hash()]; ok {
		return c
	}
	c := readTagChain(v.objs, ref.Hash())
	v.chains[ref.Hash()] = c
	return c
}

// readTagChain follows tag objects from h to the first object that is not
// one.
func readTagChain(objs *packout.Objects, h plumbing.Hash) tagChain {
	var tags []plumbing.Hash
	for {
		typ, data, err := objs.Read(h, plumbing.AnyObject)
		if err != nil {
			return tagChain{tags: tags, target: h}
		}
		if typ != plumbing.TagObject {
			return tagChain{tags: tags, target: h, found: true}
		}
		next, nextType, ok := tagTarget(data)
		if !ok {
			return tagChain{tags: tags, target: h}
		}
		tags = append(tags, h)
		h = next
		if nextType != plumbing.TagObject { // the tag says what it tags: no read
			return tagChain{tags: tags, target: h, found: objs.Has(h)}
		}
	}
}

// wantable returns the values a client may want: the refs', their peeled
// tags' and HEAD's.
func (v *refView) wantable() map[plumbing.Hash]bool {
	tips := make(map[plumbing.Hash]bool, len(v.refs)+1)
	for _, ref := range v.refs {
		tips[ref.Hash()] = true
		if peeled, ok := v.peel(ref); ok {
			tips[peeled] = true
		}
	}
	if head, err := v.st.Reference(plumbing.HEAD); err == nil && head.Type() == plumbing.SymbolicReference {
		if h, err := current(v.st, head.Target()); err == nil && !h.IsZero() {
			tips[h] = true
		}
	}
	return tips
}

// includeTags returns the annotated tags whose objects are all in the pack
// already, as git's include-tag does, and marks them sent.
func (v *refView) includeTags(sent map[plumbing.Hash]bool) []plumbing.Hash {
	var extra []plumbing.Hash
	for _, ref := range v.refs {
		if !ref.Name().IsTag() || sent[ref.Hash()] {
			continue
		}
		c := v.chain(ref)
		if len(c.tags) == 0 || !sent[c.target] {
			continue
		}
		for _, h := range c.tags {
			if !sent[h] {
				sent[h] = true
				extra = append(extra, h)
			}
		}
	}
	return extra
}
