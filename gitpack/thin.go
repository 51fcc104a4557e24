package gitpack

import (
	"bufio"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
)

// resolveThin resolves the deltas whose bases the pack does not carry,
// taking each base from the repository. It repeats while it makes progress,
// because a base may be a delta in the pack that another repository base
// resolves.
func (rv *resolver) resolveThin() error {
	for progress := true; progress; {
		progress = false
		for i := 0; i < len(rv.refKids); {
			k := rv.refKids[i]
			h := plumbing.Hash(rv.refBases[rv.entries[k].base])
			j := i + 1
			for j < len(rv.refKids) && rv.refBases[rv.entries[rv.refKids[j]].base] == h {
				j++
			}
			if !rv.entries[k].done {
				ok, err := rv.resolveFromRepo(h)
				if err != nil {
					return err
				}
				progress = progress || ok
			}
			i = j
		}
	}
	return nil
}

// resolveFromRepo resolves the deltas based on h from the repository's
// copy of h; false when the repository does not have it (yet).
func (rv *resolver) resolveFromRepo(h plumbing.Hash) (bool, error) {
	if rv.opt.Base == nil {
		return false, fmt.Errorf("thin pack: the base %s of a delta is not in the pack: %w", h, ErrBadPack)
	}
	t, data, err := rv.opt.Base(h, rv.lim.MaxObjectSize)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("delta base %s: %w", h, err)
	}
	root := &node{idx: -1, hash: h, typ: t, data: data}
	rv.hold(root)
	if err := rv.resolveKids(root); err != nil {
		return false, err
	}
	rv.release(root)
	rv.appends = append(rv.appends, h)
	return true, nil
}

// appendBases completes a thin pack as git's index-pack --fix-thin does:
// the repository's copies of the bases are appended as whole objects, the
// header's count is raised and the trailer is made again.
func (ix *indexer) appendBases(bases []plumbing.Hash) (plumbing.Hash, error) {
	end, err := ix.file.Seek(-20, io.SeekEnd)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if err := ix.file.Truncate(end); err != nil {
		return plumbing.ZeroHash, err
	}
	w := bufio.NewWriter(ix.file)
	for _, h := range bases {
		n, err := ix.appendBase(w, h, end)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		end += n
	}
	if err := w.Flush(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write pack: %w", err)
	}
	var count [4]byte
	binary.BigEndian.PutUint32(count[:], uint32(len(ix.entries)))
	if _, err := ix.file.WriteAt(count[:], 8); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write pack: %w", err)
	}
	return ix.writeTrailer(end)
}

// appendBase writes one repository object at offset off as a whole entry.
func (ix *indexer) appendBase(w io.Writer, h plumbing.Hash, off int64) (int64, error) {
	t, data, err := ix.opt.Base(h, ix.lim.MaxObjectSize)
	if err != nil {
		return 0, fmt.Errorf("delta base %s: %w", h, err)
	}
	crc := crc32.NewIEEE()
	cw := &countWriter{w: io.MultiWriter(w, crc)}
	cw.Write(entryHeader(uint8(t), int64(len(data))))
	zw := zlib.NewWriter(cw)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return 0, err
	}
	ix.entries = append(ix.entries, entry{off: off, size: int64(len(data)), hash: h, crc: crc.Sum32(),
		kind: uint8(t), typ: uint8(t), done: true})
	return cw.n, cw.err
}

// writeTrailer sums the pack's first n bytes and appends the sum.
func (ix *indexer) writeTrailer(n int64) (plumbing.Hash, error) {
	s := sha1.New()
	if _, err := io.Copy(s, io.NewSectionReader(ix.file, 0, n)); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read pack: %w", err)
	}
	var sum plumbing.Hash
	copy(sum[:], s.Sum(nil))
	if _, err := ix.file.WriteAt(sum[:], n); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("write pack: %w", err)
	}
	return sum, nil
}

// entryHeader encodes an entry's type and size.
func entryHeader(kind uint8, size int64) []byte {
	b := []byte{kind<<4 | byte(size&15)}
	for size >>= 4; size > 0; size >>= 7 {
		b[len(b)-1] |= 0x80
		b = append(b, byte(size&0x7f))
	}
	return b
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}
