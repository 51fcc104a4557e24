package intake

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"github.com/botrunner/botrunner/testsupport/testenv"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ent is one tar entry; size, when set, is the declared size and no
// content follows (the archive stops there).
type ent struct {
	name string
	typ  byte
	body string
	link string
	mode int64
	size int64
}

func file(name, body string) ent        { return ent{name: name, typ: tar.TypeReg, body: body, mode: 0o644} }
func exe(name, body string) ent         { return ent{name: name, typ: tar.TypeReg, body: body, mode: 0o755} }
func dir(name string) ent               { return ent{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, target string) ent   { return ent{name: name, typ: tar.TypeSymlink, link: target} }
func hardlink(name, target string) ent  { return ent{name: name, typ: tar.TypeLink, link: target} }
func special(name string, typ byte) ent { return ent{name: name, typ: typ} }
func declared(name string, size int64) ent {
	return ent{name: name, typ: tar.TypeReg, size: size, mode: 0o644}
}

// tgz writes the entries as a tar.gz. An entry with a declared size ends
// the archive right after its header, as a stream would be cut.
func tgz(t *testing.T, ents ...ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: e.link, Mode: e.mode, Size: int64(len(e.body)), Format: tar.FormatPAX}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if e.size > 0 {
			h.Size = e.size
			require.NoError(t, tw.WriteHeader(h))
			require.NoError(t, zw.Close())
			return buf.Bytes()
		}
		require.NoError(t, tw.WriteHeader(h))
		_, err := io.WriteString(tw, e.body)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

var testLimits = Limits{Compressed: 1 << 20, Total: 1 << 20, File: 256 << 10, Entries: 100}

// listing is the tree as "mode path[ -> target]" lines.
func listing(t *testing.T, tr *Tree) []string {
	t.Helper()
	root, err := object.GetTree(tr.Objects, tr.Hash)
	require.NoError(t, err)
	var out []string
	w := object.NewTreeWalker(root, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		line := e.Mode.String() + " " + name
		if e.Mode == filemode.Symlink || e.Mode.IsFile() {
			b, err := tr.Objects.EncodedObject(plumbing.AnyObject, e.Hash)
			require.NoError(t, err)
			r, _ := b.Reader()
			data, _ := io.ReadAll(r)
			line += " " + string(data)
		}
		out = append(out, line)
	}
	sort.Strings(out)
	return out
}

func TestFromArchiveGood(t *testing.T) {
	tests := []struct {
		name     string
		ents     []ent
		want     []string
		wantNote string
	}{
		{"files, exec bit, links inside, hard link copy, ./ and empty dir dropped",
			[]ent{dir("./"), file("./bot.py", "print()"), exe("run.sh", "#!/bin/sh"), dir("lib/"), file("lib/x.py", "x"),
				symlink("lib/y.py", "x.py"), symlink("main.py", "bot.py"), hardlink("copy.py", "./bot.py"), dir("empty/")},
			[]string{"0040000 lib", "0100644 bot.py print()", "0100644 copy.py print()", "0100644 lib/x.py x",
				"0100755 run.sh #!/bin/sh", "0120000 lib/y.py x.py", "0120000 main.py bot.py"}, ""},
		{"one top-level directory becomes the root",
			[]ent{dir("app-1.0/"), file("app-1.0/bot.py", "b"), file("app-1.0/lib/x.py", "x")},
			[]string{"0040000 lib", "0100644 bot.py b", "0100644 lib/x.py x"}, "app-1.0/"},
		{"a file beside the top-level directory keeps it",
			[]ent{file("src/bot.py", "b"), file("README", "r")},
			[]string{"0040000 src", "0100644 README r", "0100644 src/bot.py b"}, ""},
		{"a later file replaces an earlier one",
			[]ent{file("bot.py", "old"), file("bot.py", "new"), file("x", "x")},
			[]string{"0100644 bot.py new", "0100644 x x"}, ""},
		{"a link to a dir, used as a link only",
			[]ent{file("a/b/c.py", "c"), symlink("a/l", "b"), symlink("top", "a/l/c.py"), file("r", "r")},
			[]string{"0040000 a", "0040000 a/b", "0100644 a/b/c.py c", "0100644 r r", "0120000 a/l b", "0120000 top a/l/c.py"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := FromArchive(context.Background(), bytes.NewReader(tgz(t, tt.ents...)), testLimits)
			require.NoError(t, err)
			assert.Equal(t, tt.want, listing(t, tr))
			if tt.wantNote == "" {
				assert.Empty(t, tr.Note)
			} else {
				assert.Contains(t, tr.Note, tt.wantNote)
			}
		})
	}
}

func TestFromArchiveHostile(t *testing.T) {
	many := make([]ent, 0, 101)
	for i := range 101 {
		many = append(many, file(strings.Repeat("f", i+1), ""))
	}
	// Links whose targets pile up components ("l0" -> "l1/x/x/...", ...):
	// resolving them is bounded, not quadratic.
	var pile []ent
	for i := range 90 {
		pile = append(pile, symlink(fmt.Sprintf("l%d", i), fmt.Sprintf("l%d/", (i+1)%90)+strings.Repeat("x/", 2000)))
	}
	tests := []struct {
		name    string
		input   []byte
		wantErr error
		wantMsg string // part of the message: names the entry
	}{
		{"links piling up components", tgz(t, pile...), ErrBadArchive, "leads outside"},
		{"dot-dot", tgz(t, file("../x", "x")), ErrBadArchive, `"../x" climbs out`},
		{"dot-dot inside", tgz(t, file("a/../../x", "x")), ErrBadArchive, `"a/../../x" climbs out`},
		{"absolute", tgz(t, file("/etc/x", "x")), ErrBadArchive, `"/etc/x" has an absolute path`},
		{"symlink then file through it", tgz(t, symlink("s", "/tmp"), file("s/x", "x")), ErrBadArchive, `"s" is a symlink to "/tmp"`},
		{"inside symlink then file through it", tgz(t, dir("d/"), symlink("s", "d"), file("s/x", "x")), ErrBadArchive, `"s/x" goes through the symlink s`},
		{"file then file under it", tgz(t, file("f", "x"), file("f/x", "x")), ErrBadArchive, `"f/x" goes through the file f`},
		{"absolute symlink", tgz(t, symlink("etc", "/etc")), ErrBadArchive, `"etc" is a symlink to "/etc"`},
		{"symlink out", tgz(t, file("a", "a"), symlink("up", "../..")), ErrBadArchive, `"up" is a symlink to "../.."`},
		{"symlink chain out", tgz(t, symlink("a/b/s", ".."), symlink("a/b/t", "s/../..")), ErrBadArchive, `"a/b/t" is a symlink to "s/../.."`},
		{"symlink loop", tgz(t, symlink("a", "b"), symlink("b", "a")), ErrBadArchive, "leads outside"},
		{"hard link to a later entry", tgz(t, hardlink("h", "later"), file("later", "x")), ErrBadArchive, `"h" is a hard link to "later"`},
		{"hard link outside", tgz(t, hardlink("h", "/etc/passwd")), ErrBadArchive, `"h" is a hard link`},
		{"hard link to a dir", tgz(t, dir("d/"), hardlink("h", "d")), ErrBadArchive, `"h" is a hard link to "d"`},
		{"char device", tgz(t, special("null", tar.TypeChar)), ErrBadArchive, `"null" is a device or fifo`},
		{"block device", tgz(t, special("sda", tar.TypeBlock)), ErrBadArchive, `"sda" is a device or fifo`},
		{"fifo", tgz(t, special("p", tar.TypeFifo)), ErrBadArchive, `"p" is a device or fifo`},
		{".git", tgz(t, file(".git/config", "x")), ErrBadArchive, `".git/config" is inside a .git directory`},
		{".GIT deeper", tgz(t, file("a/.GIT/hooks/x", "x")), ErrBadArchive, `is inside a .git directory`},
		{"file then dir", tgz(t, file("a", "x"), dir("a/")), ErrBadArchive, `"a" appears twice, as a file and as a directory`},
		{"dir then symlink", tgz(t, file("a/x", "x"), symlink("a", "b")), ErrBadArchive, `"a" appears twice, as a directory and as a symlink`},
		{"not UTF-8", tgz(t, file("bad\xff.py", "x")), ErrBadArchive, "not UTF-8"},
		{"1 GB declared", tgz(t, declared("big.bin", 1<<30)), ErrArchiveTooLarge, `"big.bin" is 1.0 GiB`},
		{"over the total", tgz(t, file("a", strings.Repeat("a", 200<<10)), file("b", strings.Repeat("b", 200<<10)),
			file("c", strings.Repeat("c", 200<<10)), file("d", strings.Repeat("d", 200<<10)), file("e", strings.Repeat("e", 200<<10)),
			file("f", strings.Repeat("f", 200<<10))), ErrArchiveTooLarge, "over 1 MiB unpacked"},
		{"too many entries", tgz(t, many...), ErrArchiveTooLarge, "more than 100 entries"},
		{"not gzip", []byte("PK\x03\x04 a zip"), ErrNotGzip, "not a tar.gz"},
		{"gzip, not tar", gzipOf(t, strings.Repeat("hello ", 200)), ErrBadArchive, "damaged"},
		{"empty", tgz(t, dir("./")), ErrEmptyArchive, "no files"},
		{"only dirs", tgz(t, dir("a/"), dir("a/b/")), ErrEmptyArchive, "no files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromArchive(context.Background(), bytes.NewReader(tt.input), testLimits)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
}

func gzipOf(t *testing.T, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := io.WriteString(zw, s)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

// The compressed limit stops reading from the client, however well the
// rest would compress.
func TestFromArchiveCompressedLimit(t *testing.T) {
	data := tgz(t, file("a", testenv.Incompressible(64<<10)))
	lim := testLimits
	lim.Compressed = 1 << 10
	src := &countReader{r: bytes.NewReader(data)}
	_, err := FromArchive(context.Background(), src, lim)
	require.ErrorIs(t, err, ErrArchiveTooLarge)
	assert.Contains(t, err.Error(), "over 1 KiB compressed")
	assert.LessOrEqual(t, src.n, int64(lim.Compressed)+1)
}

// A 1 GB declared entry is refused at its header: almost nothing is read.
func TestFromArchiveRefusesByHeader(t *testing.T) {
	pr, pw := io.Pipe()
	go func() {
		zw := gzip.NewWriter(pw)
		tw := tar.NewWriter(zw)
		_ = tw.WriteHeader(&tar.Header{Name: "big", Typeflag: tar.TypeReg, Size: 1 << 30, Mode: 0o644})
		_ = zw.Flush()
		zero := make([]byte, 1<<20)
		for i := 0; i < 1024; i++ { // a writer that would send 1 GB
			if _, err := tw.Write(zero); err != nil {
				break
			}
			_ = zw.Flush()
		}
		pw.Close()
	}()
	_, err := FromArchive(context.Background(), pr, testLimits)
	require.ErrorIs(t, err, ErrArchiveTooLarge)
	pr.Close()
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// A plain tar (`tar -cf -`) is read like a tar.gz; its size counts against
// the compressed limit as it is.
func TestFromArchivePlainTar(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "bot.py", Typeflag: tar.TypeReg, Mode: 0o644, Size: 7}))
	_, err := io.WriteString(tw, "print()")
	require.NoError(t, err)
	require.NoError(t, tw.Close())

	tr, err := FromArchive(context.Background(), bytes.NewReader(buf.Bytes()), testLimits)
	require.NoError(t, err)
	assert.Equal(t, []string{"0100644 bot.py print()"}, listing(t, tr))

	small := testLimits
	small.Compressed = int64(buf.Len() / 2)
	_, err = FromArchive(context.Background(), bytes.NewReader(buf.Bytes()), small)
	assert.ErrorIs(t, err, ErrArchiveTooLarge)
}
