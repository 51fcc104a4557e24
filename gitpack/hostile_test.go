package gitpack

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/require"
)

// rawPack builds a pack from entries as given, with a header claiming
// count objects and a correct trailer.
func rawPack(count uint32, entries ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString("PACK")
	binary.Write(&b, binary.BigEndian, uint32(2))
	binary.Write(&b, binary.BigEndian, count)
	for _, e := range entries {
		b.Write(e)
	}
	sum := sha1.Sum(b.Bytes())
	b.Write(sum[:])
	return b.Bytes()
}

// deflater is reused: a zlib writer allocates about 1 MiB, and the delta
// chain test deflates 10,000 entries (minutes under -race when each had
// its own).
var deflater, _ = zlib.NewWriterLevel(io.Discard, zlib.BestCompression)

func deflate(data []byte) []byte {
	var b bytes.Buffer
	deflater.Reset(&b)
	deflater.Write(data)
	deflater.Close()
	return b.Bytes()
}

func object(kind uint8, declared int64, data []byte) []byte {
	return append(entryHeader(kind, declared), deflate(data)...)
}

// dirEmpty asserts a failed Index left nothing behind.
func dirEmpty(t *testing.T, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, left)
}

func TestIndexRefusesHostilePacks(t *testing.T) {
	blob := object(kindBlob, 5, []byte("hello"))
	zeros := make([]byte, 64<<20) // compresses to ~64 KiB
	lim := Limits{MaxObjectSize: 8 << 20, MaxInflated: 16 << 20, MaxObjects: 1000}
	cases := []struct {
		name string
		pack []byte
		want error
	}{
		{"count bomb", rawPack(0xffffffff, blob), ErrTooLarge},
		{"count larger than the objects", rawPack(1000, blob), ErrBadPack},
		{"zlib bomb", rawPack(1, object(kindBlob, int64(len(zeros)), zeros)), ErrTooLarge},
		{"declares 2^40 bytes", rawPack(1, object(kindBlob, 1<<40, []byte("x"))), ErrTooLarge},
		{"inflates past its size", rawPack(1, object(kindBlob, 3, []byte("hello"))), ErrBadPack},
		{"inflates short of its size", rawPack(1, object(kindBlob, 9, []byte("hello"))), ErrBadPack},
		{"junk after the trailer", append(rawPack(1, blob), "junk"...), ErrBadPack},
		{"bad trailer", append(rawPack(1, blob)[:len(rawPack(1, blob))-1], 0), ErrBadPack},
		{"truncated", rawPack(1, blob)[:20], ErrBadPack},
		{"not a pack", []byte("GET / HTTP/1.1\r\n\r\n"), ErrBadPack},
		{"type 5", rawPack(1, object(5, 5, []byte("hello"))), ErrBadPack},
		{"ofs base before the pack", rawPack(1, append([]byte{kindOfsDelta<<4 | 2, 100}, deflate([]byte{5, 5})...)), ErrBadPack},
		{"thin without a base source", rawPack(1, append(append([]byte{kindRefDelta<<4 | 2}, bytes.Repeat([]byte{7}, 20)...), deflate([]byte{5, 5})...)), ErrBadPack},
		{"one object twice", rawPack(2, blob, blob), ErrBadPack},
		{"total over the limit", rawPack(3, object(kindBlob, 6<<20, zeros[:6<<20]), object(kindBlob, 6<<20, append(zeros[:6<<20-1:6<<20-1], 1)), object(kindBlob, 6<<20, append(zeros[:6<<20-1:6<<20-1], 2))), ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := Index(context.Background(), bytes.NewReader(c.pack), dir, Options{Limits: lim})
			require.ErrorIs(t, err, c.want)
			dirEmpty(t, dir)
		})
	}
}

// A delta that claims a huge result is refused before it is allocated.
func TestIndexRefusesDeltaBombs(t *testing.T) {
	base := object(kindBlob, 5, []byte("hello"))
	delta := append([]byte{5}, sizeVarint(1<<40)...)
	delta = append(delta, 0x80|0x10|0x01, 0, 5) // copy 5 bytes from 0
	dir := t.TempDir()
	_, err := Index(context.Background(), bytes.NewReader(rawPack(2, base, ofsEntry(len(base), delta))), dir, Options{})
	require.ErrorIs(t, err, ErrTooLarge)
	dirEmpty(t, dir)
}

func ofsEntry(dist int, delta []byte) []byte {
	h := entryHeader(kindOfsDelta, int64(len(delta)))
	h = append(h, byte(dist)) // dist < 128 in these tests
	return append(h, deflate(delta)...)
}

func sizeVarint(n int64) []byte {
	var b []byte
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// A client may keep its side open after the pack: Index returns at the
// trailer without waiting for EOF.
func TestIndexStopsAtTheTrailer(t *testing.T) {
	pack := rawPack(1, object(kindBlob, 5, []byte("hello")))
	pr, pw := io.Pipe()
	defer pw.Close()
	go pw.Write(pack)
	done := make(chan error, 1)
	go func() {
		_, err := Index(context.Background(), pr, t.TempDir(), Options{})
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("Index waited for the client to close its side")
	}
}

// A thin pack's bases come from the repository and are appended, so the
// stored pack holds everything it needs (git verify-pack agrees).
func TestIndexCompletesThinPacks(t *testing.T) {
	repo := history(t, 40)
	pack := packOf(t, repo, "main\n^main~1\n", "--thin")
	full := packOf(t, repo, "main\n^main~1\n")
	require.Less(t, len(pack), len(full), "git made no thin delta; the test proves nothing")
	dir := t.TempDir()
	base := func(h plumbing.Hash, max int64) (plumbing.ObjectType, []byte, error) {
		typ := strings.TrimSpace(string(git(t, repo, nil, "cat-file", "-t", h.String())))
		data := git(t, repo, nil, "cat-file", typ, h.String())
		ot, err := plumbing.ParseObjectType(typ)
		return ot, data, err
	}
	res, err := Index(context.Background(), bytes.NewReader(pack), dir, Options{Base: base})
	require.NoError(t, err)
	require.NotEmpty(t, res.Appended)
	out := git(t, repo, nil, "verify-pack", "-v", res.Idx)
	require.Contains(t, string(out), filepath.Base(res.Pack)+": ok")
	require.Equal(t, strconv.Itoa(int(res.Objects)+len(res.Appended)), strings.TrimSpace(countObjects(t, repo, res.Idx)))
}

func countObjects(t *testing.T, repo, idx string) string {
	f, err := os.ReadFile(idx)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(git(t, repo, f, "show-index"))), "\n")
	return strconv.Itoa(len(lines))
}

// A delta chain deeper than MaxDeltaDepth is refused, not followed down a
// stack that would grow with it.
func TestIndexRefusesEndlessDeltaChains(t *testing.T) {
	entries := [][]byte{object(kindBlob, 1, []byte("a"))}
	offs := []int{12}
	size := 1
	for i := 0; i <= MaxDeltaDepth; i++ {
		d := append(sizeVarint(int64(size)), sizeVarint(int64(size+1))...)
		d = append(d, 0x80|0x10|0x20, byte(size), byte(size>>8), 1, 'b') // copy size bytes from 0, insert "b"
		size++
		prevOff := offs[len(offs)-1]
		off := prevOff + len(entries[len(entries)-1])
		h := entryHeader(kindOfsDelta, int64(len(d)))
		h = append(h, ofsBytes(int64(off-prevOff))...)
		entries = append(entries, append(h, deflate(d)...))
		offs = append(offs, off)
	}
	dir := t.TempDir()
	_, err := Index(context.Background(), bytes.NewReader(rawPack(uint32(len(entries)), entries...)), dir, Options{})
	require.ErrorIs(t, err, ErrBadPack)
	require.Contains(t, err.Error(), "delta chain deeper")
	dirEmpty(t, dir)
}

// ofsBytes is git's offset encoding (each continuation adds one).
func ofsBytes(n int64) []byte {
	b := []byte{byte(n & 0x7f)}
	for n >>= 7; n > 0; n >>= 7 {
		n--
		b = append([]byte{0x80 | byte(n&0x7f)}, b...)
	}
	return b
}
