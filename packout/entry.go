package packout

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// Pack entry types, as in git's pack format.
const (
	typeOfsDelta = 6
	typeRefDelta = 7
)

// header is a stored entry's header: its type, its size (the inflated
// object's, or the delta's), where its data starts and, for a delta, its
// base.
type header struct {
	typ       byte
	size      int64
	dataStart int64
	baseOff   int64 // typeOfsDelta: the base entry's offset
	base      plumbing.Hash
}

// maxHeaderLen covers the type-and-size varint and a base reference.
const maxHeaderLen = 10 + 20

// readHeader parses the entry at e.
func readHeader(e entry) (header, error) {
	var buf [maxHeaderLen]byte
	n, err := e.pack.file.ReadAt(buf[:], e.offset)
	if n == 0 {
		return header{}, fmt.Errorf("entry at %d: %w: %w", e.offset, ErrCorrupt, err)
	}
	return parseHeader(e, buf[:n])
}

// parseHeader parses the entry at e from its first bytes b.
func parseHeader(e entry, b []byte) (header, error) {
	if len(b) == 0 {
		return header{}, fmt.Errorf("entry at %d: %w", e.offset, ErrCorrupt)
	}
	h := header{typ: (b[0] >> 4) & 7, size: int64(b[0] & 15)}
	i, shift := 1, 4
	for c := b[0]; c&0x80 != 0; i++ {
		if i >= len(b) || shift > 56 {
			return header{}, fmt.Errorf("entry at %d: size: %w", e.offset, ErrCorrupt)
		}
		c = b[i]
		h.size |= int64(c&0x7f) << shift
		shift += 7
	}
	switch h.typ {
	case 1, 2, 3, 4:
	case typeOfsDelta:
		rel, n := readOfs(b[i:])
		i += n
		if h.baseOff = e.offset - rel; n == 0 || rel <= 0 || h.baseOff < 12 {
			return header{}, fmt.Errorf("entry at %d: base offset %d: %w", e.offset, rel, ErrCorrupt)
		}
		base, err := e.pack.idx.FindHash(h.baseOff)
		if err != nil {
			return header{}, fmt.Errorf("entry at %d: base not indexed: %w", e.offset, ErrCorrupt)
		}
		h.base = base
	case typeRefDelta:
		if i+20 > len(b) {
			return header{}, fmt.Errorf("entry at %d: base: %w", e.offset, ErrCorrupt)
		}
		copy(h.base[:], b[i:i+20])
		i += 20
	default:
		return header{}, fmt.Errorf("entry at %d: type %d: %w", e.offset, h.typ, ErrCorrupt)
	}
	h.dataStart = e.offset + int64(i)
	return h, nil
}

// readOfs reads an OFS_DELTA's distance back to its base; n is 0 when b
// holds no valid one.
func readOfs(b []byte) (rel int64, n int) {
	for j := 0; j < len(b) && j < 9; j++ {
		if j > 0 {
			rel++
		}
		rel = rel<<7 | int64(b[j]&0x7f)
		if b[j]&0x80 == 0 {
			return rel, j + 1
		}
	}
	return 0, 0
}

// appendHeader appends a pack entry's type-and-size header.
func appendHeader(b []byte, typ byte, size int64) []byte {
	c := typ<<4 | byte(size&15)
	size >>= 4
	for size > 0 {
		b = append(b, c|0x80)
		c = byte(size & 0x7f)
		size >>= 7
	}
	return append(b, c)
}

// appendOfs appends an OFS_DELTA's distance back to its base.
func appendOfs(b []byte, rel int64) []byte {
	var tmp [10]byte
	i := len(tmp) - 1
	tmp[i] = byte(rel & 0x7f)
	for rel >>= 7; rel > 0; rel >>= 7 {
		rel--
		i--
		tmp[i] = 0x80 | byte(rel&0x7f)
	}
	return append(b, tmp[i:]...)
}
