package gitpack

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
)

// node is a resolved object whose deltas are being resolved: its content
// may be dropped to stay within the budget and is then made again.
type node struct {
	idx    int // entry index, or -1 for a base taken from the repository
	depth  int // deltas between it and a whole object
	hash   plumbing.Hash
	typ    plumbing.ObjectType
	data   []byte
	parent *node
}

// resolver is the second pass: it finds each delta's base, applies it, and
// hashes and checks the result.
type resolver struct {
	*indexer
	ofsKids []int32 // ofs-delta entries, sorted by base offset
	refKids []int32 // ref-delta entries, sorted by base id
	held    []*node // nodes holding data, oldest first
	heldN   int64
	br      *bufio.Reader
	appends []plumbing.Hash
	remade  int64 // bytes of delta results made again after they were dropped
}

// MaxDeltaDepth bounds delta chains (git writes at most 4095 deep): the
// resolver recurses along them.
const MaxDeltaDepth = 10000

// remakeFactor bounds the work of remaking dropped bases, as a multiple of
// the inflated-size limit.
const remakeFactor = 4

// resolve resolves every delta: those whose bases are in the pack first,
// then a thin pack's, whose bases come from the repository and are
// appended to the pack.
func (ix *indexer) resolve(res *Result) error {
	rv := &resolver{indexer: ix, br: bufio.NewReaderSize(nil, 16<<10)}
	rv.sortKids()
	for i := range ix.entries {
		e := &ix.entries[i]
		if e.isDelta() || len(rv.kids(i, e.hash)) == 0 {
			continue
		}
		root := &node{idx: i, hash: e.hash, typ: objectType(e.typ)}
		if err := rv.resolveKids(root); err != nil {
			return err
		}
		rv.release(root)
	}
	if err := rv.resolveThin(); err != nil {
		return err
	}
	for i := range ix.entries {
		if !ix.entries[i].done {
			return fmt.Errorf("delta at offset %d has no base in the pack: %w", ix.entries[i].off, ErrBadPack)
		}
	}
	if len(rv.appends) > 0 {
		sum, err := ix.appendBases(rv.appends)
		if err != nil {
			return err
		}
		res.Checksum, res.Appended = sum, rv.appends
	}
	return nil
}

func (rv *resolver) sortKids() {
	for i := range rv.entries {
		switch rv.entries[i].kind {
		case kindOfsDelta:
			rv.ofsKids = append(rv.ofsKids, int32(i))
		case kindRefDelta:
			rv.refKids = append(rv.refKids, int32(i))
		}
	}
	sort.SliceStable(rv.ofsKids, func(a, b int) bool {
		return rv.entries[rv.ofsKids[a]].base < rv.entries[rv.ofsKids[b]].base
	})
	sort.SliceStable(rv.refKids, func(a, b int) bool {
		return bytes.Compare(rv.refBase(rv.refKids[a]), rv.refBase(rv.refKids[b])) < 0
	})
}

func (rv *resolver) refBase(i int32) []byte { return rv.refBases[rv.entries[i].base][:] }

// kids lists the deltas whose base is n: by n's offset and by its id.
func (rv *resolver) kids(idx int, h plumbing.Hash) []int32 {
	var out []int32
	if idx >= 0 {
		off := rv.entries[idx].off
		i := sort.Search(len(rv.ofsKids), func(k int) bool { return rv.entries[rv.ofsKids[k]].base >= off })
		for ; i < len(rv.ofsKids) && rv.entries[rv.ofsKids[i]].base == off; i++ {
			out = append(out, rv.ofsKids[i])
		}
	}
	i := sort.Search(len(rv.refKids), func(k int) bool { return bytes.Compare(rv.refBase(rv.refKids[k]), h[:]) >= 0 })
	for ; i < len(rv.refKids) && bytes.Equal(rv.refBase(rv.refKids[i]), h[:]); i++ {
		out = append(out, rv.refKids[i])
	}
	return out
}

// resolveKids resolves every delta based on p, depth first.
func (rv *resolver) resolveKids(p *node) error {
	for _, k := range rv.kids(p.idx, p.hash) {
		e := &rv.entries[k]
		if e.done {
			continue // a duplicate base already resolved it
		}
		if err := rv.ctx.Err(); err != nil {
			return err
		}
		child, err := rv.resolveOne(p, int(k), true)
		if err != nil {
			return err
		}
		e.hash, e.typ, e.done = child.hash, uint8(child.typ), true
		rv.hold(child)
		if err := rv.resolveKids(child); err != nil {
			return err
		}
		rv.release(child)
	}
	return nil
}

// resolveOne makes entry k's content from its base p's; first says it is
// the first time (its size counts and Check runs).
func (rv *resolver) resolveOne(p *node, k int, first bool) (*node, error) {
	base, err := rv.content(p)
	if err != nil {
		return nil, err
	}
	delta, err := rv.readData(k)
	if err != nil {
		return nil, err
	}
	out, err := applyDelta(base, delta, rv.lim.MaxObjectSize)
	if err != nil {
		return nil, fmt.Errorf("delta at offset %d: %w", rv.entries[k].off, err)
	}
	n := &node{idx: k, depth: p.depth + 1, typ: p.typ, data: out, parent: p, hash: plumbing.ComputeHash(p.typ, out)}
	if n.depth > MaxDeltaDepth {
		return nil, fmt.Errorf("a delta chain deeper than %d: %w", MaxDeltaDepth, ErrBadPack)
	}
	if !first {
		// Made again after the budget dropped it: bounded work, or an
		// attacker orders deltas so that each is made again and again.
		if rv.remade += int64(len(out)); rv.remade > remakeFactor*rv.lim.MaxInflated {
			return nil, fmt.Errorf("the pack's deltas cost more than %d times its size to resolve: %w", remakeFactor, ErrTooLarge)
		}
		return n, nil
	}
	if err := rv.count(int64(len(out))); err != nil {
		return nil, err
	}
	if needsContent(p.typ) && rv.opt.Check != nil {
		if err := rv.opt.Check(p.typ, out); err != nil {
			return nil, fmt.Errorf("%s %s: %w", p.typ, n.hash, err)
		}
	}
	return n, nil
}

// content is n's data, made again if it was dropped.
func (rv *resolver) content(n *node) ([]byte, error) {
	if n.data != nil {
		return n.data, nil
	}
	var data []byte
	var err error
	switch {
	case n.idx < 0:
		_, data, err = rv.opt.Base(n.hash, rv.lim.MaxObjectSize)
	case !rv.entries[n.idx].isDelta():
		data, err = rv.readData(n.idx)
	default:
		var m *node
		m, err = rv.resolveOne(n.parent, n.idx, false)
		if m != nil {
			data = m.data
		}
	}
	if err != nil {
		return nil, err
	}
	n.data = data
	rv.hold(n)
	return data, nil
}

// readData inflates entry k's data from the pack file.
func (rv *resolver) readData(k int) ([]byte, error) {
	e := &rv.entries[k]
	rv.br.Reset(io.NewSectionReader(rv.file, e.off, 1<<62))
	if _, err := readHeader(rv.br); err != nil {
		return nil, fmt.Errorf("reread object at %d: %v: %w", e.off, err, ErrBadPack)
	}
	buf := &sliceWriter{b: make([]byte, 0, e.size)}
	if err := rv.inflate(rv.br, e.size, buf, false); err != nil {
		return nil, err
	}
	return buf.b, nil
}

// hold counts n's data against the budget, dropping the oldest held data
// (never n's or its parent's) while over it.
func (rv *resolver) hold(n *node) {
	rv.held = append(rv.held, n)
	rv.heldN += int64(len(n.data))
	for i := 0; rv.heldN > rv.lim.DeltaBudget && i < len(rv.held); i++ {
		old := rv.held[i]
		if old == n || old == n.parent || old.data == nil {
			continue
		}
		rv.heldN -= int64(len(old.data))
		old.data = nil
	}
	rv.compact()
}

// release drops n's data once its deltas are resolved.
func (rv *resolver) release(n *node) {
	if n.data != nil {
		rv.heldN -= int64(len(n.data))
		n.data = nil
	}
	rv.compact()
}

func (rv *resolver) compact() {
	kept := rv.held[:0]
	for _, h := range rv.held {
		if h.data != nil {
			kept = append(kept, h)
		}
	}
	clear(rv.held[len(kept):])
	rv.held = kept
}
