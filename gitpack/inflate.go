package gitpack

import (
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"

	"github.com/botrunner/botrunner/bytesize"
)

// zReader is one reusable inflater.
type zReader struct {
	zr  io.ReadCloser
	buf []byte
}

// inflate inflates one zlib stream from r (read byte by byte where r allows,
// so nothing past the stream is consumed) into w. The stream must inflate
// to exactly size bytes; it is cut one byte past that, and the total over
// all objects is counted and bounded as bytes come out.
// Only the first inflation of an entry counts (count); re-reads while
// resolving deltas do not.
func (ix *indexer) inflate(r flate.Reader, size int64, w io.Writer, count bool) error {
	z := &ix.z
	if z.zr == nil {
		zr, err := zlib.NewReader(r)
		if err != nil {
			return fmt.Errorf("inflate: %v: %w", err, ErrBadPack)
		}
		z.zr, z.buf = zr, make([]byte, 32<<10)
	} else if err := z.zr.(zlib.Resetter).Reset(r, nil); err != nil {
		return fmt.Errorf("inflate: %v: %w", err, ErrBadPack)
	}
	var n int64
	for {
		want := min(int64(len(z.buf)), size+1-n)
		if want == 0 {
			return fmt.Errorf("object inflates to more than its declared %d bytes: %w", size, ErrBadPack)
		}
		k, err := z.zr.Read(z.buf[:want])
		n += int64(k)
		if count {
			if err := ix.count(int64(k)); err != nil {
				return err
			}
		}
		if k > 0 {
			if _, werr := w.Write(z.buf[:k]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				return err
			}
			return fmt.Errorf("inflate: %v: %w", err, ErrBadPack)
		}
	}
	if n != size {
		return fmt.Errorf("object inflates to %d bytes, not the %d it declares: %w", n, size, ErrBadPack)
	}
	return nil
}

// count adds n inflated bytes to the push's total.
func (ix *indexer) count(n int64) error {
	ix.inflated += n
	if ix.inflated > ix.lim.MaxInflated {
		return fmt.Errorf("the push inflates to more than %s: %w", bytesize.Format(ix.lim.MaxInflated), ErrTooLarge)
	}
	return nil
}
