package packout

import (
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash"
	"io"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Options say what the client takes.
type Options struct {
	OfsDelta bool // deltas may name their base by offset
	Thin     bool // deltas may have a base the client has, left out
	// Known says whether the client has an object (thin bases).
	Known func(plumbing.Hash) bool
}

// Stats count how the objects went out.
type Stats struct {
	Objects  int
	Copied   int // stored whole, compressed bytes copied
	Deltas   int // stored deltas copied
	Inflated int // read through the object store and deflated again
}

// Write writes objs as one pack to w, from the packs in fs (a repository's
// directory) and, for the rest, from st.
func Write(w io.Writer, fs billy.Filesystem, st storer.EncodedObjectStorer, objs []plumbing.Hash, opt Options) (Stats, error) {
	packs, err := openPacks(fs)
	if err != nil {
		return Stats{}, err
	}
	defer closePacks(packs)
	send := make(map[plumbing.Hash]bool, len(objs))
	for _, h := range objs {
		send[h] = true
	}
	pw := &packWriter{w: w, sum: sha1.New(), written: make(map[plumbing.Hash]int64, len(objs)),
		buf: make([]byte, 32<<10)}
	var hdr [12]byte
	copy(hdr[:], "PACK")
	binary.BigEndian.PutUint32(hdr[4:], 2)
	binary.BigEndian.PutUint32(hdr[8:], uint32(len(send)))
	if err := pw.write(hdr[:]); err != nil {
		return Stats{}, err
	}
	st2 := Stats{Objects: len(send)}
	for _, h := range objs {
		if _, done := pw.written[h]; done {
			continue
		}
		if err := pw.object(packs, st, h, send, opt, &st2); err != nil {
			return st2, err
		}
	}
	_, err = w.Write(pw.sum.Sum(nil))
	return st2, err
}

type packWriter struct {
	w       io.Writer
	sum     hash.Hash
	n       int64
	written map[plumbing.Hash]int64 // entry offsets in the pack being written
	buf     []byte
	hdr     []byte
}

func (pw *packWriter) write(p []byte) error {
	pw.sum.Write(p)
	pw.n += int64(len(p))
	_, err := pw.w.Write(p)
	return err
}

func (pw *packWriter) Write(p []byte) (int, error) {
	if err := pw.write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (pw *packWriter) object(packs []*storedPack, st storer.EncodedObjectStorer, h plumbing.Hash, send map[plumbing.Hash]bool, opt Options, stats *Stats) error {
	e, ok := find(packs, h)
	if !ok {
		stats.Inflated++
		return pw.deflate(st, h)
	}
	hd, chunk, err := pw.load(e)
	if err != nil {
		return err
	}
	start := pw.n
	switch {
	case hd.typ < typeOfsDelta:
		stats.Copied++
		pw.hdr = appendHeader(pw.hdr[:0], hd.typ, hd.size)
	case pw.reusable(packs, e, hd.base, send, opt):
		stats.Deltas++
		pw.hdr = pw.deltaHeader(hd, opt)
	default:
		stats.Inflated++
		return pw.deflate(st, h)
	}
	if err := pw.write(pw.hdr); err != nil {
		return err
	}
	pw.written[h] = start
	if err := pw.write(chunk); err != nil {
		return err
	}
	return pw.copyRaw(e, hd.dataStart+int64(len(chunk)))
}

// load reads the start of the entry at e — all of a small one — in one
// read into pw.buf, and returns its header and the data read.
func (pw *packWriter) load(e entry) (header, []byte, error) {
	end := e.pack.entryEnd(e.offset)
	if end <= e.offset {
		return header{}, nil, fmt.Errorf("entry at %d: %w", e.offset, ErrCorrupt)
	}
	b := pw.buf[:min(end-e.offset, int64(len(pw.buf)))]
	if _, err := e.pack.file.ReadAt(b, e.offset); err != nil && err != io.EOF {
		return header{}, nil, err
	}
	hd, err := parseHeader(e, b[:min(len(b), maxHeaderLen)])
	if err != nil || hd.dataStart > end {
		return header{}, nil, fmt.Errorf("entry at %d: %w", e.offset, ErrCorrupt)
	}
	return hd, b[hd.dataStart-e.offset:], nil
}

// reusable says whether a stored delta can go out as it is: its base is
// sent from the same stored pack (whose delta chains have no cycle), or the
// client has it and takes thin packs.
func (pw *packWriter) reusable(packs []*storedPack, e entry, base plumbing.Hash, send map[plumbing.Hash]bool, opt Options) bool {
	if send[base] {
		be, ok := find(packs, base)
		return ok && be.pack == e.pack
	}
	return opt.Thin && opt.Known != nil && opt.Known(base)
}

func (pw *packWriter) deltaHeader(hd header, opt Options) []byte {
	if off, ok := pw.written[hd.base]; ok && opt.OfsDelta {
		return appendOfs(appendHeader(pw.hdr[:0], typeOfsDelta, hd.size), pw.n-off)
	}
	b := appendHeader(pw.hdr[:0], typeRefDelta, hd.size)
	return append(b, hd.base[:]...)
}

// copyRaw copies a stored entry's compressed data through a small buffer.
func (pw *packWriter) copyRaw(e entry, from int64) error {
	end := e.pack.entryEnd(e.offset)
	if end < from {
		return fmt.Errorf("entry at %d: %w", e.offset, ErrCorrupt)
	}
	if end == from {
		return nil
	}
	r := io.NewSectionReader(e.pack.file, from, end-from)
	_, err := io.CopyBuffer(pw, r, pw.buf)
	return err
}

// deflate writes an object read through the store, compressed as it
// streams.
func (pw *packWriter) deflate(st storer.EncodedObjectStorer, h plumbing.Hash) error {
	obj, err := st.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return fmt.Errorf("object %s: %w", h, err)
	}
	pw.written[h] = pw.n
	pw.hdr = appendHeader(pw.hdr[:0], byte(obj.Type()), obj.Size())
	if err := pw.write(pw.hdr); err != nil {
		return err
	}
	r, err := obj.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	zw := zlib.NewWriter(pw)
	if _, err := io.CopyBuffer(zw, r, pw.buf); err != nil {
		return err
	}
	return zw.Close()
}
