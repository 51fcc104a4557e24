package gitpack

import (
	"fmt"

	"github.com/botrunner/botrunner/bytesize"
)

// applyDelta applies a git delta to base. The delta's declared sizes are
// checked before anything is allocated: the source size must be base's and
// the target size at most max; every copy must stay inside base and the
// result must come out exactly the declared size.
func applyDelta(base, delta []byte, max int64) ([]byte, error) {
	src, delta, ok := deltaSize(delta)
	if !ok || src != int64(len(base)) {
		return nil, fmt.Errorf("delta does not fit its base: %w", ErrBadPack)
	}
	dst, delta, ok := deltaSize(delta)
	if !ok {
		return nil, fmt.Errorf("delta has a bad target size: %w", ErrBadPack)
	}
	if dst > max {
		return nil, fmt.Errorf("a delta makes an object of %s, over the %s limit for one object: %w", bytesize.Format(dst), bytesize.Format(max), ErrTooLarge)
	}
	// Grown as it is made: a declared size is only a promise.
	out := make([]byte, 0, min(dst, 4<<20))
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		var err error
		switch {
		case op&0x80 != 0:
			out, delta, err = deltaCopy(out, base, delta, op)
		case op != 0:
			if int(op) > len(delta) {
				return nil, fmt.Errorf("delta insert runs past its end: %w", ErrBadPack)
			}
			out, delta = append(out, delta[:op]...), delta[op:]
		default:
			err = fmt.Errorf("delta has a zero opcode: %w", ErrBadPack)
		}
		if err != nil {
			return nil, err
		}
		if int64(len(out)) > dst {
			return nil, fmt.Errorf("delta makes more than its declared size: %w", ErrBadPack)
		}
	}
	if int64(len(out)) != dst {
		return nil, fmt.Errorf("delta makes %d bytes, not the %d it declares: %w", len(out), dst, ErrBadPack)
	}
	return out, nil
}

// deltaCopy runs one copy opcode: up to four offset and three size bytes,
// present as the opcode's bits say; a zero size means 0x10000.
func deltaCopy(out, base, delta []byte, op byte) ([]byte, []byte, error) {
	var off, n int64
	for i := uint(0); i < 7; i++ {
		if op&(1<<i) == 0 {
			continue
		}
		if len(delta) == 0 {
			return nil, nil, fmt.Errorf("delta copy runs past its end: %w", ErrBadPack)
		}
		if i < 4 {
			off |= int64(delta[0]) << (8 * i)
		} else {
			n |= int64(delta[0]) << (8 * (i - 4))
		}
		delta = delta[1:]
	}
	if n == 0 {
		n = 0x10000
	}
	if off+n > int64(len(base)) {
		return nil, nil, fmt.Errorf("delta copies from outside its base: %w", ErrBadPack)
	}
	return append(out, base[off:off+n]...), delta, nil
}

// deltaSize reads one of the delta header's little-endian varints.
func deltaSize(b []byte) (int64, []byte, bool) {
	var n int64
	for shift := uint(0); len(b) > 0; shift += 7 {
		if shift > 56 {
			return 0, nil, false
		}
		c := b[0]
		b = b[1:]
		n |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			return n, b, true
		}
	}
	return 0, nil, false
}
