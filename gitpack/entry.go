package gitpack

import (
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
)

// Pack entry kinds as the pack stores them (git's OBJ_* values).
const (
	kindCommit   = 1
	kindTree     = 2
	kindBlob     = 3
	kindTag      = 4
	kindOfsDelta = 6
	kindRefDelta = 7
)

// entry is what the index keeps of one object in the pack; it is kept
// small, as a pack may hold a million of them.
type entry struct {
	off  int64         // where the entry starts in the pack
	size int64         // its inflated data size as declared (a delta's own size)
	base int64         // ofs-delta: the base's offset; ref-delta: index into refBases
	hash plumbing.Hash // known after the first pass for whole objects, after resolving for deltas
	crc  uint32
	kind uint8 // as stored
	typ  uint8 // the object's type; a delta's is its base's
	done bool  // hash and typ are known
}

func (e *entry) isDelta() bool { return e.kind == kindOfsDelta || e.kind == kindRefDelta }

// header is an entry's parsed header.
type header struct {
	kind    uint8
	size    int64
	ofs     int64         // ofs-delta: distance back to the base
	refBase plumbing.Hash // ref-delta: the base's id
}

// readHeader parses "type+size varint [ofs varint | base id]" from r,
// refusing sizes and distances that do not fit in 63 bits.
func readHeader(r io.ByteReader) (header, error) {
	c, err := r.ReadByte()
	if err != nil {
		return header{}, err
	}
	h := header{kind: (c >> 4) & 7, size: int64(c & 15)}
	for shift := uint(4); c&0x80 != 0; shift += 7 {
		if shift > 56 {
			return header{}, fmt.Errorf("object size does not fit in 63 bits: %w", ErrBadPack)
		}
		if c, err = r.ReadByte(); err != nil {
			return header{}, err
		}
		h.size |= int64(c&0x7f) << shift
	}
	switch h.kind {
	case kindCommit, kindTree, kindBlob, kindTag:
	case kindOfsDelta:
		h.ofs, err = readOfs(r)
	case kindRefDelta:
		for i := range h.refBase {
			if h.refBase[i], err = r.ReadByte(); err != nil {
				break
			}
		}
	default:
		return header{}, fmt.Errorf("object of unknown type %d: %w", h.kind, ErrBadPack)
	}
	return h, err
}

// readOfs reads git's offset encoding, where each continuation adds one
// before shifting.
func readOfs(r io.ByteReader) (int64, error) {
	c, err := r.ReadByte()
	if err != nil {
		return 0, err
	}
	n := int64(c & 0x7f)
	for c&0x80 != 0 {
		if n >= 1<<55 {
			return 0, fmt.Errorf("delta offset does not fit in 63 bits: %w", ErrBadPack)
		}
		if c, err = r.ReadByte(); err != nil {
			return 0, err
		}
		n = (n+1)<<7 | int64(c&0x7f)
	}
	return n, nil
}

func objectType(kind uint8) plumbing.ObjectType {
	return plumbing.ObjectType(kind)
}

// needsContent reports whether Check sees this type's content (blobs are
// only hashed).
func needsContent(t plumbing.ObjectType) bool {
	return t == plumbing.CommitObject || t == plumbing.TreeObject || t == plumbing.TagObject
}
