package gittree

import (
	"iter"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Entry is what stands at one path: a directory, a file or a symlink.
type Entry struct {
	Mode   filemode.FileMode // Dir, Regular, Executable or Symlink
	Hash   plumbing.Hash     // the blob of a file or symlink; zero for a dir
	Target string            // a symlink's target
}

// Builder collects entries by clean relative path (slash-separated, no
// "", "." or ".." components: callers check names) and writes them as git
// trees into its storage. Parent directories are made as needed.
type Builder struct {
	st      *memory.Storage
	entries map[string]Entry
}

// New returns an empty Builder with a fresh memory storage.
func New() *Builder {
	return &Builder{st: memory.NewStorage(), entries: map[string]Entry{}}
}

// Storage holds every object the Builder stored: blobs, trees, commits.
func (b *Builder) Storage() *memory.Storage { return b.st }

// Add stores data as a blob and puts it at p with mode: a file's content,
// or a symlink's target when mode is filemode.Symlink.
func (b *Builder) Add(p string, mode filemode.FileMode, data []byte) error {
	h, err := b.blob(data)
	if err != nil {
		return err
	}
	e := Entry{Mode: mode, Hash: h}
	if mode == filemode.Symlink {
		e.Target = string(data)
	}
	return b.Put(p, e)
}

// Put records e at p after checking the parents: every parent must be a
// directory, not a file nor a symlink. An existing entry at p may be
// replaced only by one of the same kind (a directory stays as it is).
// A refusal is a *ConflictError.
func (b *Builder) Put(p string, e Entry) error {
	parts := strings.Split(p, "/")
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		switch old, ok := b.entries[dir]; {
		case !ok:
			b.entries[dir] = Entry{Mode: filemode.Dir}
		case old.Mode != filemode.Dir:
			return &ConflictError{Path: p, At: dir, Old: old.Mode, New: e.Mode}
		}
	}
	if old, ok := b.entries[p]; ok {
		if Kind(old.Mode) != Kind(e.Mode) {
			return &ConflictError{Path: p, At: p, Old: old.Mode, New: e.Mode}
		}
		if e.Mode == filemode.Dir {
			return nil
		}
	}
	b.entries[p] = e
	return nil
}

// Lookup returns the entry at p.
func (b *Builder) Lookup(p string) (Entry, bool) {
	e, ok := b.entries[p]
	return e, ok
}

// All yields every path and its entry, directories included, in no order.
func (b *Builder) All() iter.Seq2[string, Entry] {
	return func(yield func(string, Entry) bool) {
		for p, e := range b.entries {
			if !yield(p, e) {
				return
			}
		}
	}
}

// Reroot makes the directory dir the root: what is below it moves up, and
// everything else (dir itself included) is dropped.
func (b *Builder) Reroot(dir string) {
	entries := make(map[string]Entry, len(b.entries))
	for p, e := range b.entries {
		if rest, ok := strings.CutPrefix(p, dir+"/"); ok {
			entries[rest] = e
		}
	}
	b.entries = entries
}

// Write stores one git tree per directory and returns the root's hash.
// Directories with nothing in them are left out, as git cannot hold them;
// the root is written even when empty.
func (b *Builder) Write() (plumbing.Hash, error) {
	children := map[string][]string{} // dir -> child names
	for p := range b.entries {
		dir, name := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		children[dir] = append(children[dir], name)
	}
	return b.writeDir("", children)
}

// writeDir writes dir's tree, or returns ZeroHash for an empty non-root dir.
func (b *Builder) writeDir(dir string, children map[string][]string) (plumbing.Hash, error) {
	t := &object.Tree{}
	for _, name := range children[dir] {
		p := path.Join(dir, name)
		e := b.entries[p]
		h := e.Hash
		if e.Mode == filemode.Dir {
			var err error
			if h, err = b.writeDir(p, children); err != nil {
				return plumbing.ZeroHash, err
			}
			if h.IsZero() {
				continue
			}
		}
		t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: e.Mode, Hash: h})
	}
	if len(t.Entries) == 0 && dir != "" {
		return plumbing.ZeroHash, nil
	}
	sortEntries(t.Entries)
	return store(b.st, t)
}

// sortEntries puts entries in git's tree order, where a directory sorts as
// if its name ended in "/" ("a.py" < "a/" < "a0"); git fsck rejects others.
func sortEntries(es []object.TreeEntry) {
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(es, func(i, j int) bool { return key(es[i]) < key(es[j]) })
}

// blob stores data and returns its hash.
func (b *Builder) blob(data []byte) (plumbing.Hash, error) {
	obj := b.st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return b.st.SetEncodedObject(obj)
}
