package testenv

import "strings"

// Incompressible returns n bytes of lowercase letters from a fixed xorshift
// sequence: the same text every run, but one that gzip and git's zlib cannot
// shrink much, for tests that need an archive or a pack to really be large.
func Incompressible(n int) string {
	var b strings.Builder
	b.Grow(n)
	x := uint32(88172645)
	for b.Len() < n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteByte(byte('a' + x%26))
	}
	return b.String()
}
