package packout

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// maxDepth bounds a delta chain (git makes 50 at most).
const maxDepth = 10000

// maxBaseCache bounds the inflated delta bases an Objects keeps.
const maxBaseCache = 16 << 20

// Objects reads the commits, trees and tags a fetch's walk decodes
// straight from the repository's packs: one read of the entry, inflated
// into a buffer, deltas applied to cached bases. Through go-git's store
// each object cost several system calls and allocations, most of a mirror
// clone's CPU. Loose objects come from the store. It is meant for small
// objects: the walk never reads a blob.
type Objects struct {
	packs []*storedPack
	st    storer.EncodedObjectStorer
	zr    io.ReadCloser
	raws  [][]byte // a read buffer per level of a delta chain
	bases map[entry]cached
	size  int
}

type cached struct {
	typ  plumbing.ObjectType
	data []byte
}

// OpenObjects opens the packs of the repository fs; st serves the rest.
func OpenObjects(fs billy.Filesystem, st storer.EncodedObjectStorer) (*Objects, error) {
	packs, err := openPacks(fs)
	if err != nil {
		return nil, err
	}
	return &Objects{packs: packs, st: st, bases: map[entry]cached{}}, nil
}

// Close closes the packs.
func (o *Objects) Close() { closePacks(o.packs) }

// Has says whether the repository holds h.
func (o *Objects) Has(h plumbing.Hash) bool {
	if _, ok := find(o.packs, h); ok {
		return true
	}
	return o.st.HasEncodedObject(h) == nil
}

// Read returns h's type and content. With want AnyObject, a blob's content
// is not read (nil); otherwise h must be of type want (an object of another
// type is not inflated). The content is the caller's to read, not to
// change.
func (o *Objects) Read(h plumbing.Hash, want plumbing.ObjectType) (plumbing.ObjectType, []byte, error) {
	e, ok := find(o.packs, h)
	if !ok {
		return o.readStore(h, want)
	}
	typ, b, err := o.readEntry(e, want, 0)
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w", h, err)
	}
	return typ, b, nil
}

func (o *Objects) readStore(h plumbing.Hash, want plumbing.ObjectType) (plumbing.ObjectType, []byte, error) {
	obj, err := o.st.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	if err := o.check(obj.Type(), want); err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w", h, err)
	}
	if obj.Type() == plumbing.BlobObject && want == plumbing.AnyObject {
		return obj.Type(), nil, nil
	}
	r, err := obj.Reader()
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return obj.Type(), b, err
}

// readEntry inflates the entry at e, applying deltas to their bases.
// A delta's type is its base's: want is checked on the object at the
// chain's end, before anything is inflated. With want AnyObject a blob's
// content is not read (nil). Each level of a chain has its own buffer.
func (o *Objects) readEntry(e entry, want plumbing.ObjectType, depth int) (plumbing.ObjectType, []byte, error) {
	if c, ok := o.bases[e]; ok {
		if c.typ == plumbing.BlobObject && want == plumbing.AnyObject {
			return c.typ, nil, nil
		}
		return c.typ, c.data, o.check(c.typ, want)
	}
	if depth > maxDepth {
		return plumbing.InvalidObject, nil, fmt.Errorf("entry at %d: delta chain too long: %w", e.offset, ErrCorrupt)
	}
	hd, raw, err := o.load(e, depth)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	typ, base := plumbing.ObjectType(hd.typ), []byte(nil)
	if hd.typ >= typeOfsDelta {
		typ, base, err = o.base(e, hd, want, depth)
	}
	if err == nil {
		err = o.check(typ, want)
	}
	if err != nil || (typ == plumbing.BlobObject && want == plumbing.AnyObject) {
		return typ, nil, err
	}
	data, err := o.inflate(e, hd, raw)
	if err != nil || hd.typ < typeOfsDelta {
		return typ, data, err
	}
	out, err := packfile.PatchDelta(base, data)
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("entry at %d: %w: %w", e.offset, ErrCorrupt, err)
	}
	o.keep(e, typ, out)
	return typ, out, nil
}

func (o *Objects) check(typ, want plumbing.ObjectType) error {
	if want != plumbing.AnyObject && typ != want {
		return fmt.Errorf("not a %s: %w", want, plumbing.ErrObjectNotFound)
	}
	return nil
}

// base reads a delta's base, which is kept: the next delta on it is near.
func (o *Objects) base(e entry, hd header, want plumbing.ObjectType, depth int) (plumbing.ObjectType, []byte, error) {
	var be entry
	if hd.typ == typeOfsDelta {
		be = entry{pack: e.pack, offset: hd.baseOff}
	} else if found, ok := find(o.packs, hd.base); ok {
		be = found
	} else {
		return o.readStore(hd.base, want)
	}
	typ, data, err := o.readEntry(be, want, depth+1)
	if err == nil && data != nil {
		o.keep(be, typ, data)
	}
	return typ, data, err
}

// loadChunk is what load reads of an entry at first: all of a commit's,
// a tree's or a tag's, the header of anything.
const loadChunk = 16 << 10

// load reads the entry at e, up to loadChunk, in one read and parses its
// header; raw is the compressed data read (the start of it, for a longer
// entry).
func (o *Objects) load(e entry, depth int) (header, []byte, error) {
	end := e.pack.entryEnd(e.offset)
	if end <= e.offset {
		return header{}, nil, fmt.Errorf("entry at %d: %w", e.offset, ErrCorrupt)
	}
	for len(o.raws) <= depth {
		o.raws = append(o.raws, make([]byte, loadChunk))
	}
	buf := o.raws[depth][:min(end-e.offset, loadChunk)]
	if _, err := e.pack.file.ReadAt(buf, e.offset); err != nil && err != io.EOF {
		return header{}, nil, err
	}
	hd, err := parseHeader(e, buf[:min(len(buf), maxHeaderLen)])
	if err != nil || hd.dataStart > end || hd.size < 0 {
		return header{}, nil, fmt.Errorf("entry at %d: %w", e.offset, ErrCorrupt)
	}
	return hd, buf[hd.dataStart-e.offset:], nil
}

func (o *Objects) keep(e entry, typ plumbing.ObjectType, data []byte) {
	if _, ok := o.bases[e]; ok || len(data) > maxBaseCache/4 {
		return
	}
	if o.size+len(data) > maxBaseCache {
		clear(o.bases)
		o.size = 0
	}
	o.bases[e] = cached{typ: typ, data: data}
	o.size += len(data)
}

// inflate inflates the entry's data to its declared size: raw, and the
// rest of the entry read from the pack as it streams.
func (o *Objects) inflate(e entry, hd header, raw []byte) ([]byte, error) {
	end := e.pack.entryEnd(e.offset)
	rest := hd.dataStart + int64(len(raw))
	src := io.Reader(bytes.NewReader(raw)) // a ByteReader: zlib reads no further
	if rest < end {
		src = io.MultiReader(src, io.NewSectionReader(e.pack.file, rest, end-rest))
	}
	var err error
	if o.zr == nil {
		o.zr, err = zlib.NewReader(src)
	} else {
		err = o.zr.(zlib.Resetter).Reset(src, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("entry at %d: %w: %w", e.offset, ErrCorrupt, err)
	}
	out := make([]byte, hd.size)
	if _, err := io.ReadFull(o.zr, out); err != nil {
		return nil, fmt.Errorf("entry at %d: %w: %w", e.offset, ErrCorrupt, err)
	}
	return out, nil
}
