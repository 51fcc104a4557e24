package receive

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Shared helpers for the package's unit tests.

var (
	hashA = strings.Repeat("a", 40)
	hashB = strings.Repeat("b", 40)
	zero  = strings.Repeat("0", 40)
)

// pkt frames payload as one pkt-line.
func pkt(payload string) string { return fmt.Sprintf("%04x%s", len(payload)+4, payload) }

// pkts frames each payload; "" stands for a flush-pkt.
func pkts(payloads ...string) string {
	var b strings.Builder
	for _, p := range payloads {
		if p == "" {
			b.WriteString("0000")
			continue
		}
		b.WriteString(pkt(p))
	}
	return b.String()
}

// cmdLine is one receive-pack command line, caps appended after a NUL when given.
func cmdLine(old, nu, ref string, caps ...string) string {
	s := old + " " + nu + " " + ref
	if len(caps) > 0 {
		s += "\x00" + strings.Join(caps, " ")
	}
	return s + "\n"
}

// countingReader counts the bytes its callers took from r.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// repeatReader yields an endless stream of pkt-lines, each a valid command,
// so that only the byte budget or the command limit can stop a reader.
type repeatReader struct {
	line []byte
	off  int
	left int64
}

func newRepeatReader(line string, total int64) *repeatReader {
	return &repeatReader{line: []byte(line), left: total}
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:], r.line[r.off:])
		if int64(c) > r.left {
			c = int(r.left)
		}
		n += c
		r.left -= int64(c)
		r.off = (r.off + c) % len(r.line)
	}
	return n, nil
}

var _ io.Reader = (*repeatReader)(nil)

// readerOf is a fresh reader over s that counts what is read from it.
func readerOf(s string) *countingReader { return &countingReader{r: bytes.NewReader([]byte(s))} }

// objectFiles lists every file under the repo's objects dir.
func objectFiles(t testing.TB, repoDir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(repoDir, "objects"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	require.NoError(t, err)
	sort.Strings(files)
	return files
}
