package intake

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/botrunner/botrunner/bytesize"
	"github.com/botrunner/botrunner/gittree"
)

// Limits bound what one archive may hold. Sizes are checked against each
// header's declared size before its content is read (a 1 GB sparse file is
// refused at its header), and again against the bytes really read.
type Limits struct {
	Compressed int64 // bytes of tar.gz read from the client
	Total      int64 // bytes of file content, all files together
	File       int64 // bytes of one file
	Entries    int   // tar headers, dirs included
}

// LimitsFor derives the limits from the server's max push size
// (GITD_MAX_PUSH_SIZE): the compressed archive and any one file may be as
// large as a push, all files together four times that.
func LimitsFor(maxPush int64) Limits {
	return Limits{Compressed: maxPush, Total: 4 * maxPush, File: maxPush, Entries: 50000}
}

// FromArchive reads a tar.gz into git objects in memory. Nothing is
// written to disk. A leading "./" is dropped, and when every entry sits in
// one top-level directory (as in GitHub's archives) that directory becomes
// the root; Tree.Note says so. Hard links become copies of the file they
// name, which must come earlier in the archive.
func FromArchive(ctx context.Context, r io.Reader, lim Limits) (*Tree, error) {
	in := &bytesize.Reader{Ctx: ctx, R: r, N: lim.Compressed}
	body, err := decompress(bufio.NewReader(in))
	if err != nil {
		if in.Over {
			return nil, tooLarge(lim)
		}
		return nil, err
	}
	a := &archive{b: newBuilder(), lim: lim}
	if err := a.read(tar.NewReader(body)); err != nil {
		if in.Over {
			return nil, tooLarge(lim)
		}
		return nil, err
	}
	return a.finish()
}

// decompress reads a tar.gz, or a plain tar (as `tar -cf -` makes): the
// first bytes tell which.
func decompress(br *bufio.Reader) (io.Reader, error) {
	head, _ := br.Peek(262)
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, ErrNotGzip.With("the input is not a tar.gz (or tar) archive", err)
		}
		return zr, nil
	case len(head) == 262 && string(head[257:262]) == "ustar":
		return br, nil
	}
	return nil, ErrNotGzip.With("the input is not a tar.gz (or tar) archive", nil)
}

func tooLarge(lim Limits) error {
	return ErrArchiveTooLarge.With(fmt.Sprintf("the archive is over %s compressed", bytesize.Format(lim.Compressed)), nil)
}

// archive is one archive being read.
type archive struct {
	b       *builder
	lim     Limits
	entries int
	total   int64
	files   int
}

func (a *archive) read(tr *tar.Reader) error {
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return ErrBadArchive.With(fmt.Sprintf("the archive is damaged: %v", err), err)
		}
		if err := a.entry(tr, hdr); err != nil {
			return err
		}
	}
}

// entry checks one header (name, type, declared size) before reading its
// content, then stores it.
func (a *archive) entry(tr *tar.Reader, hdr *tar.Header) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil // pax metadata (git archive writes one), not a file
	}
	if a.entries++; a.entries > a.lim.Entries {
		return ErrArchiveTooLarge.With(fmt.Sprintf("the archive has more than %d entries", a.lim.Entries), nil)
	}
	p, err := cleanName(hdr.Name)
	if err != nil {
		return err
	}
	if err := a.checkSize(hdr.Name, hdr.Size); err != nil {
		return err
	}
	if p == "" {
		return nil // the archive's root dir ("./")
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeGNUSparse: // the reader turns the old TypeRegA into TypeReg
		return a.file(tr, p, hdr)
	case tar.TypeDir:
		return a.b.put(p, gittree.Entry{Mode: filemode.Dir})
	case tar.TypeSymlink:
		return a.symlink(p, hdr.Linkname)
	case tar.TypeLink:
		return a.hardlink(p, hdr.Linkname)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return badEntry(p, "is a device or fifo; only files, dirs and links can be deployed")
	}
	return badEntry(p, fmt.Sprintf("has unsupported tar type %q", hdr.Typeflag))
}

// checkSize refuses an entry by its declared size, before any of it is read.
func (a *archive) checkSize(p string, size int64) error {
	switch {
	case size < 0:
		return badEntry(p, "has a negative size")
	case size > a.lim.File:
		return ErrArchiveTooLarge.With(fmt.Sprintf("%s is %s; files may be at most %s", quote(p), bytesize.Format(size), bytesize.Format(a.lim.File)), nil)
	case a.total+size > a.lim.Total:
		return ErrArchiveTooLarge.With(fmt.Sprintf("the files are over %s unpacked (at %s)", bytesize.Format(a.lim.Total), quote(p)), nil)
	}
	a.total += size
	return nil
}

func (a *archive) file(tr *tar.Reader, p string, hdr *tar.Header) error {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(tr, hdr.Size+1))
	if err != nil {
		return ErrBadArchive.With(fmt.Sprintf("read %s: %v", quote(p), err), err)
	}
	if n != hdr.Size {
		return badEntry(p, fmt.Sprintf("holds %d bytes, its header says %d", n, hdr.Size))
	}
	mode := filemode.Regular
	if hdr.Mode&0o111 != 0 {
		mode = filemode.Executable
	}
	a.files++
	return a.b.add(p, mode, buf.Bytes())
}

func (a *archive) symlink(p, target string) error {
	if err := checkLinkTarget(p, target); err != nil {
		return err
	}
	a.files++
	return a.b.add(p, filemode.Symlink, []byte(target))
}

// hardlink copies an earlier regular file: git has no hard links.
func (a *archive) hardlink(p, target string) error {
	t, err := cleanName(target)
	if err != nil || t == "" {
		return badEntry(p, fmt.Sprintf("is a hard link to %s, which is not a file in the archive", quote(target)))
	}
	n, ok := a.b.t.Lookup(t)
	if !ok || (n.Mode != filemode.Regular && n.Mode != filemode.Executable) {
		return badEntry(p, fmt.Sprintf("is a hard link to %s, which is not a file earlier in the archive", quote(target)))
	}
	a.files++
	return a.b.put(p, gittree.Entry{Mode: n.Mode, Hash: n.Hash})
}

// finish strips a common top-level dir, checks every link and writes the
// trees.
func (a *archive) finish() (*Tree, error) {
	if a.files == 0 {
		return nil, ErrEmptyArchive
	}
	note := a.b.stripTop()
	if err := a.b.checkLinks(); err != nil {
		return nil, err
	}
	h, err := a.b.t.Write()
	if err != nil {
		return nil, err
	}
	return &Tree{Objects: a.b.t.Storage(), Hash: h, Files: a.files, Note: note}, nil
}
