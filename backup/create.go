package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/botrunner/botrunner/store"
)

// Archive layout: the manifest first, then the files under their paths in
// the data dir.
const (
	manifestName = "botrunner-backup.json"
	dbName       = "gitd.db"
	keyName      = "secret.key"
	format       = 1
)

// Manifest describes an archive; restore reads it first.
type Manifest struct {
	Format     int       `json:"format"`
	Created    time.Time `json:"created"`
	Version    string    `json:"gitd_version"`
	IncludeKey bool      `json:"includes_secret_key"`
	LiveDB     bool      `json:"database_from_running_gitd"`
}

// Options of Create.
type Options struct {
	IncludeKey bool   // put secret.key in: the archive then opens every config value
	Version    string // gitd's, for the manifest
}

// Summary is what Create wrote.
type Summary struct {
	Manifest
	Files int
	Bytes int64 // file bytes, before compression
}

// Create writes the data dir data as a gzipped tar to w.
func Create(ctx context.Context, data string, w io.Writer, o Options) (Summary, error) {
	snap, live, err := snapshotDB(ctx, data)
	if err != nil {
		return Summary{}, err
	}
	defer os.Remove(snap)
	s := Summary{Manifest: Manifest{Format: format, Created: time.Now().UTC(), Version: o.Version,
		IncludeKey: o.IncludeKey, LiveDB: live}}
	gz := gzip.NewWriter(w)
	a := &archive{tw: tar.NewWriter(gz), s: &s}
	m, _ := json.MarshalIndent(s.Manifest, "", "  ")
	err = errors.Join(a.bytes(manifestName, m), a.file(dbName, snap), a.dataDir(ctx, data, o.IncludeKey))
	if err == nil {
		err = errors.Join(a.tw.Close(), gz.Close())
	}
	return s, err
}

// snapshotDB copies the database into a temp file: from the running gitd,
// or (none runs) from the file. The copy is opened once to check it.
func snapshotDB(ctx context.Context, data string) (path string, live bool, err error) {
	f, err := os.CreateTemp("", "gitd-backup-*.db")
	if err != nil {
		return "", false, err
	}
	path = f.Name()
	_, err = fetch(ctx, data, f)
	live = err == nil
	if errors.Is(err, errNoServer) {
		err = snapshotFile(filepath.Join(data, dbName), f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = checkDB(path)
	}
	if err != nil {
		os.Remove(path)
		return "", false, ErrDatabase.Reword("", "database of %s: %v", data, err)
	}
	return path, live, nil
}

func snapshotFile(db string, w io.Writer) error {
	if _, err := os.Stat(db); err != nil {
		return err // store.Open would make an empty one
	}
	st, err := store.Open(db)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = st.Snapshot(w)
	return err
}

// checkDB opens the snapshot as gitd would. An empty file is refused
// first: the database library would make a fresh, empty database of it.
func checkDB(path string) error {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return fmt.Errorf("the snapshot is empty")
	}
	st, err := store.Open(path)
	if err != nil {
		return fmt.Errorf("the snapshot does not open: %w", err)
	}
	return st.Close()
}

// dataDir adds what the data dir holds besides the database: top-level
// files (host keys, instance id; the secret key if asked), the
// repositories, the logs. Temp files, sockets and quarantines stay out.
func (a *archive) dataDir(ctx context.Context, data string, withKey bool) error {
	entries, err := os.ReadDir(data)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if err := ctx.Err(); err != nil {
			return err
		}
		switch {
		case name == dbName || name == "tmp" || name == imageMarker || (name == keyName && !withKey):
		case name == "repos" && e.IsDir():
			err = a.repos(filepath.Join(data, name), name)
		case e.IsDir():
			err = a.tree(filepath.Join(data, name), name, nil)
		case e.Type().IsRegular():
			err = a.file(name, filepath.Join(data, name))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// repos adds each repository with its refs before its objects: a ref is
// updated only after its objects are in, so a ref copied earlier than the
// objects always finds them.
func (a *archive) repos(dir, name string) error {
	repos, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, r := range repos {
		if !r.IsDir() {
			continue
		}
		path, rel := filepath.Join(dir, r.Name()), name+"/"+r.Name()
		notObjects := func(p string) bool { return p != "objects" && !strings.HasPrefix(p, "quarantine-") }
		if err := a.tree(path, rel, notObjects); err != nil {
			return err
		}
		if err := a.tree(filepath.Join(path, "objects"), rel+"/objects", nil); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// archive is a tar being written.
type archive struct {
	tw *tar.Writer
	s  *Summary
}

// tree adds the regular files under dir (top entries for which keep says
// yes, when keep is given), in name order. Files that vanish while it
// walks (a log segment dropped, a lock file gone) are skipped.
func (a *archive) tree(dir, name string, keep func(string) bool) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p != dir {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if keep != nil && rel != "." && !strings.Contains(rel, string(filepath.Separator)) && !keep(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		err = a.file(name+"/"+filepath.ToSlash(rel), p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	})
}

func (a *archive) bytes(name string, b []byte) error {
	if err := a.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now(),
		Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := a.tw.Write(b)
	return err
}

// file adds one file with the size it had when opened: a log that grows
// meanwhile is cut there, one that shrinks is padded with newlines.
func (a *archive) file(name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	h := &tar.Header{Name: name, Mode: int64(fi.Mode().Perm()), Size: fi.Size(), ModTime: fi.ModTime(), Typeflag: tar.TypeReg}
	if err := a.tw.WriteHeader(h); err != nil {
		return err
	}
	n, err := io.CopyN(a.tw, f, fi.Size())
	if errors.Is(err, io.EOF) {
		_, err = io.CopyN(a.tw, newlines{}, fi.Size()-n)
	}
	a.s.Files++
	a.s.Bytes += fi.Size()
	return err
}

type newlines struct{}

func (newlines) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '\n'
	}
	return len(p), nil
}
