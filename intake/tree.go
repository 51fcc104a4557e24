package intake

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Tree is a source tree held as git objects in memory: Hash names the root
// tree in Objects. Note says what was done to the input on the way in
// (e.g. a stripped top-level directory), for the user.
type Tree struct {
	Objects *memory.Storage
	Hash    plumbing.Hash
	Files   int
	Note    string
}

// node is one path of a tree being built: a dir, or a leaf (file, link).
type node struct {
	mode filemode.FileMode
	hash plumbing.Hash // blobs and links
	link string        // a symlink's target
}

// builder collects leaves by clean relative path and writes git trees.
type builder struct {
	st    *memory.Storage
	nodes map[string]*node
	top   string // the top-level dir stripped, to name entries as the archive did
	steps int    // path components walked resolving links (see checkLinks)
}

func newBuilder() *builder {
	return &builder{st: memory.NewStorage(), nodes: map[string]*node{}}
}

// blob stores content and returns its hash.
func (b *builder) blob(data []byte) (plumbing.Hash, error) {
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

// add records n at p after checking the parents: every parent must be a
// dir (not a file, not a link: a path through a link could land anywhere),
// and an existing p may be replaced only by the same kind of thing.
func (b *builder) add(p string, n *node) error {
	parts := strings.Split(p, "/")
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		switch old := b.nodes[dir]; {
		case old == nil:
			b.nodes[dir] = &node{mode: filemode.Dir}
		case old.mode == filemode.Symlink:
			return badEntry(p, "goes through the symlink "+dir)
		case old.mode != filemode.Dir:
			return badEntry(p, "goes through the file "+dir)
		}
	}
	if old := b.nodes[p]; old != nil {
		if kind(old.mode) != kind(n.mode) {
			return badEntry(p, fmt.Sprintf("appears twice, as a %s and as a %s", kind(old.mode), kind(n.mode)))
		}
		if n.mode == filemode.Dir {
			return nil
		}
	}
	b.nodes[p] = n
	return nil
}

func kind(m filemode.FileMode) string {
	switch m {
	case filemode.Dir:
		return "directory"
	case filemode.Symlink:
		return "symlink"
	}
	return "file"
}

// write stores one git tree per dir and returns the root's hash.
func (b *builder) write() (plumbing.Hash, error) {
	children := map[string][]string{} // dir -> child names
	for p := range b.nodes {
		dir, name := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		children[dir] = append(children[dir], name)
	}
	return b.writeDir("", children)
}

// writeDir writes dir's tree; dirs with nothing in them are left out, as
// git cannot hold them (ZeroHash).
func (b *builder) writeDir(dir string, children map[string][]string) (plumbing.Hash, error) {
	t := &object.Tree{}
	for _, name := range children[dir] {
		p := path.Join(dir, name)
		n := b.nodes[p]
		h := n.hash
		if n.mode == filemode.Dir {
			var err error
			if h, err = b.writeDir(p, children); err != nil {
				return plumbing.ZeroHash, err
			}
			if h.IsZero() {
				continue
			}
		}
		t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: n.mode, Hash: h})
	}
	if len(t.Entries) == 0 && dir != "" {
		return plumbing.ZeroHash, nil
	}
	sortEntries(t.Entries)
	obj := b.st.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return b.st.SetEncodedObject(obj)
}

// sortEntries orders entries as git does: by name, a dir as if it ended
// in "/".
func sortEntries(es []object.TreeEntry) {
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(es, func(i, j int) bool { return key(es[i]) < key(es[j]) })
}
