package gitpack

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/botrunner/botrunner/bytesize"
	"github.com/botrunner/botrunner/hint"
)

// Result is a pack that was read whole and indexed.
type Result struct {
	Pack, Idx string          // the files, named pack-<checksum>.{pack,idx}
	Checksum  plumbing.Hash   // the pack's trailer
	Objects   int64           // objects the client sent
	Appended  []plumbing.Hash // bases of a thin pack taken from the repository
	Inflated  int64
}

// indexer is one Index call's state.
type indexer struct {
	ctx      context.Context
	opt      Options
	lim      Limits
	file     *os.File
	entries  []entry
	refBases []plumbing.Hash
	inflated int64
	z        zReader
}

// Index reads one pack from r into dir (pack-<checksum>.pack and .idx),
// checking it whole. It reads nothing after the pack's trailer. On error
// nothing is left in dir and the file it wrote is closed.
func Index(ctx context.Context, r io.Reader, dir string, opt Options) (res *Result, err error) {
	ix := &indexer{ctx: ctx, opt: opt, lim: opt.Limits.withDefaults()}
	tmp, err := os.CreateTemp(dir, "tmp_pack_")
	if err != nil {
		return nil, fmt.Errorf("create pack: %w", err)
	}
	ix.file = tmp
	defer func() {
		_ = tmp.Close()
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	res, err = ix.run(r)
	if err != nil {
		return nil, err
	}
	if err := ix.writeFiles(dir, res); err != nil {
		return nil, err
	}
	return res, nil
}

func (ix *indexer) run(r io.Reader) (*Result, error) {
	w := bufio.NewWriterSize(ix.file, 64<<10)
	in := newInput(r, w, ix.lim.MaxBytes)
	count, err := ix.readPackHeader(in)
	if err != nil {
		return nil, err
	}
	for i := int64(0); i < count; i++ {
		if err := ix.ctx.Err(); err != nil {
			return nil, err
		}
		if err := ix.readObject(in); err != nil {
			return nil, wrapRead(err, i)
		}
	}
	sum, err := in.trailer()
	if err != nil {
		return nil, wrapRead(err, count)
	}
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("write pack: %w", err)
	}
	res := &Result{Checksum: plumbing.Hash(sum), Objects: count}
	if err := ix.resolve(res); err != nil {
		return nil, err
	}
	res.Inflated = ix.inflated
	return res, nil
}

// readPackHeader reads "PACK", the version (2 or 3) and the object count,
// which is only believed as far as the limit allows.
func (ix *indexer) readPackHeader(in *input) (int64, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(in, hdr[:]); err != nil || in.err != nil {
		return 0, wrapRead(errors.Join(err, in.err), 0)
	}
	if string(hdr[:4]) != "PACK" {
		return 0, fmt.Errorf("not a pack (no PACK signature): %w", ErrBadPack)
	}
	if v := binary.BigEndian.Uint32(hdr[4:]); v != 2 && v != 3 {
		return 0, fmt.Errorf("pack version %d is not supported: %w", v, ErrBadPack)
	}
	n := int64(binary.BigEndian.Uint32(hdr[8:]))
	if n > ix.lim.MaxObjects {
		return 0, fmt.Errorf("pack has %d objects, the server takes at most %d in one push: %w", n, ix.lim.MaxObjects, ErrTooLarge)
	}
	return n, nil
}

// wrapRead turns a short read into a clear "truncated" error and keeps
// the errors that already say what happened.
func wrapRead(err error, i int64) error {
	switch {
	case errors.Is(err, ErrBadPack), errors.Is(err, ErrTooLarge), errors.Is(err, ErrMissingObjects),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case hint.Of(err) != nil: // Check's own error, which names the object
		return err
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("pack ends early, in object %d: %w", i, ErrBadPack)
	}
	return fmt.Errorf("object %d: %v: %w", i, err, ErrBadPack)
}

// readObject is the first pass over one entry: header, then its data
// inflated once — whole objects hashed (and checked, if they are commits,
// trees or tags), deltas only measured.
func (ix *indexer) readObject(in *input) error {
	if err := in.startObject(); err != nil {
		return err
	}
	e := entry{off: in.off}
	h, err := readHeader(in)
	if err != nil {
		return err
	}
	e.kind, e.size = h.kind, h.size
	if e.size > ix.lim.MaxObjectSize {
		return fmt.Errorf("an object of %s is over the %s limit for one object: %w", bytesize.Format(e.size), bytesize.Format(ix.lim.MaxObjectSize), ErrTooLarge)
	}
	switch h.kind {
	case kindOfsDelta:
		if h.ofs <= 0 || h.ofs > e.off-12 {
			return fmt.Errorf("delta at %d names a base outside the pack: %w", e.off, ErrBadPack)
		}
		e.base = e.off - h.ofs
	case kindRefDelta:
		e.base = int64(len(ix.refBases))
		ix.refBases = append(ix.refBases, h.refBase)
	}
	if err := ix.inflateEntry(in, &e); err != nil {
		return err
	}
	if e.crc, err = in.objectCRC(); err != nil {
		return err
	}
	ix.entries = append(ix.entries, e)
	return nil
}

// inflateEntry inflates e's data from in, hashing a whole object and
// checking its content when Check wants it.
func (ix *indexer) inflateEntry(in *input, e *entry) error {
	if e.isDelta() {
		return ix.inflate(in, e.size, io.Discard, true)
	}
	t := objectType(e.kind)
	hs := plumbing.NewHasher(t, e.size)
	if !needsContent(t) || ix.opt.Check == nil {
		if err := ix.inflate(in, e.size, hs, true); err != nil {
			return err
		}
	} else {
		// Grown as bytes arrive: a declared size is only a promise.
		buf := &sliceWriter{b: make([]byte, 0, min(e.size, 64<<10))}
		if err := ix.inflate(in, e.size, buf, true); err != nil {
			return err
		}
		hs.Write(buf.b)
		if err := ix.opt.Check(t, buf.b); err != nil {
			return fmt.Errorf("%s %s: %w", t, hs.Sum(), err)
		}
	}
	e.hash, e.typ, e.done = hs.Sum(), e.kind, true
	return nil
}

type sliceWriter struct{ b []byte }

func (s *sliceWriter) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	return len(p), nil
}
