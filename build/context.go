package build

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"time"
)

// contextSpec says what goes into a build context besides the tree.
type contextSpec struct {
	// generated files are written first, at the root, and shadow tree
	// files of the same name.
	generated map[string][]byte
	// keep names root files sent even when .dockerignore lists them: the
	// Docker CLI always sends the Dockerfile and .dockerignore, and the
	// engine itself drops them again if they are ignored.
	keep map[string]bool
}

// errTooLarge is how the size-limited writer stops the walk.
var errTooLarge = errors.New("build context too large")

// limitWriter fails once more than max bytes went through it.
type limitWriter struct {
	w   io.Writer
	n   int64
	max int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n+int64(len(p)) > l.max {
		return 0, errTooLarge
	}
	n, err := l.w.Write(p)
	l.n += int64(n)
	return n, err
}

// writeContext writes the tar of the tree at root (after .dockerignore, with
// spec's additions) to w, and returns its size. Everything is read through
// an os.Root, so no path or symlink can lead the walk out of the tree.
func writeContext(w io.Writer, root *os.Root, ig *ignorer, spec contextSpec, max int64) (int64, error) {
	lw := &limitWriter{w: w, max: max}
	tw := tar.NewWriter(lw)
	err := writeGenerated(tw, spec.generated)
	if err == nil {
		err = fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return addEntry(tw, root, ig, spec, rel, d)
		})
	}
	if err == nil {
		err = tw.Close()
	}
	if errors.Is(err, errTooLarge) {
		return lw.n, ErrContextTooLarge.With(
			fmt.Sprintf("build context is larger than %s", humanBytes(max)), err)
	}
	if err != nil {
		return lw.n, fmt.Errorf("build context: %w", err)
	}
	return lw.n, nil
}

func writeGenerated(tw *tar.Writer, files map[string][]byte) error {
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data := files[name]
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644,
			Size: int64(len(data)), ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	return nil
}

// addEntry adds one walked path. It is the WalkDir callback's body: it
// returns fs.SkipDir to leave out a whole directory.
func addEntry(tw *tar.Writer, root *os.Root, ig *ignorer, spec contextSpec, rel string, d fs.DirEntry) error {
	if rel == "." {
		return nil
	}
	if d.Name() == ".git" {
		// Never sent, whatever .dockerignore says: history is not code.
		return skip(d)
	}
	if _, gen := spec.generated[rel]; gen {
		return skip(d)
	}
	if ig.ignored(rel) && !spec.keep[rel] {
		if d.IsDir() && !ig.descend(rel) {
			return fs.SkipDir
		}
		return nil
	}
	info, err := d.Info()
	if err != nil {
		return err
	}
	return writeEntry(tw, root, rel, info)
}

func skip(d fs.DirEntry) error {
	if d.IsDir() {
		return fs.SkipDir
	}
	return nil
}

// writeEntry writes a directory, a regular file or a symlink (as a link,
// never followed). Other file types have no place in a build and are left
// out. Owners are root and modes are git's (0755 or 0644): the image must
// not depend on who checked the tree out or with which umask, and the
// classic builder's cache keys include both.
func writeEntry(tw *tar.Writer, root *os.Root, rel string, info fs.FileInfo) error {
	hdr := &tar.Header{Name: rel, ModTime: info.ModTime(), Format: tar.FormatPAX}
	switch mode := info.Mode(); {
	case mode.IsDir():
		hdr.Typeflag, hdr.Name, hdr.Mode = tar.TypeDir, rel+"/", 0o755
	case mode&fs.ModeSymlink != 0:
		target, err := root.Readlink(rel)
		if err != nil {
			return err
		}
		hdr.Typeflag, hdr.Linkname, hdr.Mode = tar.TypeSymlink, target, 0o777
	case mode.IsRegular():
		hdr.Typeflag, hdr.Size, hdr.Mode = tar.TypeReg, info.Size(), 0o644
		if mode&0o111 != 0 {
			hdr.Mode = 0o755
		}
	default:
		return nil
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil
	}
	return copyFile(tw, root, rel, hdr.Size)
}

// copyFile copies exactly size bytes: a file that changed size since it
// was listed would corrupt the tar otherwise.
func copyFile(tw *tar.Writer, root *os.Root, rel string, size int64) error {
	f, err := root.Open(rel)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(tw, io.LimitReader(f, size))
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("%s changed while it was read", path.Clean(rel))
	}
	return nil
}

// humanBytes formats a size in binary units for messages.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
