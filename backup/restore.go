package backup

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Restore unpacks an archive from Create into data, which must be empty or
// not exist. Only regular files are written, each under data, owner-only;
// a damaged archive leaves data as it found it (empty, or removed if new).
func Restore(r io.Reader, data string) (m Manifest, err error) {
	created, err := emptyDir(data)
	if err != nil {
		return Manifest{}, err
	}
	defer func() {
		if err != nil {
			clear(data, created)
		}
	}()
	gz, err := gzip.NewReader(r)
	if err != nil {
		return Manifest{}, ErrBadArchive.Reword("", "%v", err)
	}
	tr := tar.NewReader(gz)
	if m, err = readManifest(tr); err != nil {
		return Manifest{}, err
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return m, ErrBadArchive.Reword("", "%v", err)
		}
		if err := extract(tr, h, data); err != nil {
			return m, err
		}
	}
}

// emptyDir makes data if it does not exist (created: true) or checks
// that it is empty.
func emptyDir(data string) (created bool, err error) {
	entries, err := os.ReadDir(data)
	if errors.Is(err, os.ErrNotExist) {
		return true, os.MkdirAll(data, 0o700)
	}
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.Name() != imageMarker {
			return false, ErrNotEmpty.Reword("", "%s is not empty (%s, …)", data, e.Name())
		}
	}
	return false, nil
}

// imageMarker is the one file the gitd image's data dir holds (Dockerfile:
// an empty dir cannot be copied with its owner), so every new volume has it.
const imageMarker = ".keep"

func clear(data string, created bool) {
	if created {
		os.RemoveAll(data)
		return
	}
	entries, _ := os.ReadDir(data)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(data, e.Name()))
	}
}

func readManifest(tr *tar.Reader) (Manifest, error) {
	var m Manifest
	h, err := tr.Next()
	if err != nil || h.Name != manifestName {
		return m, ErrBadArchive.Reword("", "it does not start with %s", manifestName)
	}
	if err := json.NewDecoder(io.LimitReader(tr, 1<<16)).Decode(&m); err != nil {
		return m, ErrBadArchive.Reword("", "manifest: %v", err)
	}
	if m.Format != format {
		return m, ErrBadArchive.Reword("restore it with the gitd version that wrote it ("+m.Version+")",
			"archive format %d, this gitd reads %d", m.Format, format)
	}
	return m, nil
}

// extract writes one entry: a regular file at a local path, nothing else.
func extract(tr *tar.Reader, h *tar.Header, data string) error {
	if h.Typeflag != tar.TypeReg || !filepath.IsLocal(h.Name) {
		return ErrBadArchive.Reword("", "entry %q is not a file inside the data dir", h.Name)
	}
	path := filepath.Join(data, filepath.FromSlash(h.Name))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, os.FileMode(h.Mode)&0o700)
	if err != nil {
		return fmt.Errorf("restore %s: %w", h.Name, err)
	}
	_, err = io.Copy(f, tr)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chtimes(path, h.ModTime, h.ModTime)
	}
	return err
}
