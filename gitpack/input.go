package gitpack

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"

	"github.com/botrunner/botrunner/bytesize"
)

// input is the pack stream as the first pass sees it: a byte reader (so
// the inflater never reads ahead of its object) whose consumed bytes go to
// the pack file, the trailer checksum and the current object's CRC-32. It
// reads the underlying stream in chunks, never more than one Read at a time
// beyond what it has handed out, and never once the pack is over.
type input struct {
	r        io.Reader
	buf      []byte
	pos, end int // buf[pos:end] is read but not yet consumed
	mark     int // buf[mark:pos] is consumed but not yet written out
	off      int64
	max      int64

	out io.Writer // the pack file
	sum hash.Hash // SHA-1 of everything before the trailer
	crc hash.Hash32
	err error
}

func newInput(r io.Reader, out io.Writer, max int64) *input {
	return &input{r: r, buf: make([]byte, 64<<10), out: out, max: max, sum: sha1.New(), crc: crc32.NewIEEE()}
}

// fill reads more of the stream once the buffer is used up.
func (in *input) fill() error {
	if in.err != nil {
		return in.err
	}
	if err := in.flush(); err != nil {
		return err
	}
	in.pos, in.end, in.mark = 0, 0, 0
	n, err := in.r.Read(in.buf)
	for n == 0 && err == nil {
		n, err = in.r.Read(in.buf)
	}
	in.end = n
	if n > 0 {
		return nil
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	in.err = err
	return err
}

// flush writes the consumed bytes to the file and the checksums.
func (in *input) flush() error {
	b := in.buf[in.mark:in.pos]
	in.mark = in.pos
	if len(b) == 0 {
		return nil
	}
	in.sum.Write(b)
	in.crc.Write(b)
	if _, err := in.out.Write(b); err != nil {
		in.err = fmt.Errorf("write pack: %w", err)
		return in.err
	}
	return nil
}

func (in *input) take(n int) error {
	in.pos += n
	in.off += int64(n)
	if in.off > in.max {
		in.err = fmt.Errorf("pack over %s: %w", bytesize.Format(in.max), ErrTooLarge)
		return in.err
	}
	return nil
}

// ReadByte and Read fail for good once the stream failed or went over its
// limit (io.ReadFull would drop an error that came with enough bytes).
func (in *input) ReadByte() (byte, error) {
	if in.err != nil {
		return 0, in.err
	}
	if in.pos == in.end {
		if err := in.fill(); err != nil {
			return 0, err
		}
	}
	c := in.buf[in.pos]
	return c, in.take(1)
}

func (in *input) Read(p []byte) (int, error) {
	if in.err != nil {
		return 0, in.err
	}
	if in.pos == in.end {
		if err := in.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, in.buf[in.pos:in.end])
	return n, in.take(n)
}

// startObject begins a new object's CRC-32 at the current offset.
func (in *input) startObject() error {
	if err := in.flush(); err != nil {
		return err
	}
	in.crc.Reset()
	return nil
}

// objectCRC ends the current object.
func (in *input) objectCRC() (uint32, error) {
	if err := in.flush(); err != nil {
		return 0, err
	}
	return in.crc.Sum32(), nil
}

// trailer reads the 20-byte checksum, which is not part of what it covers,
// writes it to the file and compares. Bytes the client sent after it in the
// same read are junk, as git's index-pack says.
func (in *input) trailer() ([20]byte, error) {
	var want, got [20]byte
	if err := in.flush(); err != nil {
		return got, err
	}
	in.sum.Sum(want[:0])
	in.crc = crc32.NewIEEE()
	in.sum = sha1.New() // the trailer must not be summed into itself
	if _, err := io.ReadFull(in, got[:]); err != nil || in.err != nil {
		if errors.Is(in.err, ErrTooLarge) {
			return got, in.err
		}
		return got, fmt.Errorf("pack ends before its checksum: %w", ErrBadPack)
	}
	if err := in.flush(); err != nil {
		return got, err
	}
	if got != want {
		return got, fmt.Errorf("pack checksum mismatch: %w", ErrBadPack)
	}
	if in.pos != in.end {
		return got, fmt.Errorf("pack has junk at the end: %w", ErrBadPack)
	}
	return got, nil
}
