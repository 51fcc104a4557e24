package receive

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// readRefsDir reads the branches and tags of the repository at root
// straight from its files: packed-refs, then the loose refs under
// refs/heads and refs/tags, a loose ref winning over its packed value.
// go-git reads each loose ref through its chroot, which checks every path
// element for symlinks: for 3,500 refs that was most of a mirror clone's
// CPU. The repository is gitd's own, written only by gitd; a file that is
// not a ref (a lock, a symlink, a symbolic ref, a half-written value) is
// left out, as visibleRefs leaves out symbolic refs.
func readRefsDir(root string) ([]*plumbing.Reference, error) {
	byName := map[plumbing.ReferenceName]plumbing.Hash{}
	if err := readPackedRefs(filepath.Join(root, "packed-refs"), byName); err != nil {
		return nil, err
	}
	for _, dir := range []string{"refs/heads", "refs/tags"} {
		if err := readLooseRefs(root, dir, byName); err != nil {
			return nil, err
		}
	}
	refs := make([]*plumbing.Reference, 0, len(byName))
	for name, h := range byName {
		refs = append(refs, plumbing.NewHashReference(name, h))
	}
	return refs, nil
}

// readPackedRefs adds the branches and tags of a packed-refs file (none if
// it does not exist) to byName; peeled lines (^…) and comments are skipped.
func readPackedRefs(path string, byName map[plumbing.ReferenceName]plumbing.Hash) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		h, name, ok := strings.Cut(sc.Text(), " ")
		if ok && plumbing.IsHash(h) && isBranchOrTag(name) {
			byName[plumbing.ReferenceName(name)] = plumbing.NewHash(h)
		}
	}
	return sc.Err()
}

// readLooseRefs adds the loose refs below root/dir to byName. Fetches read
// without the app's lock, so a ref (or the whole dir) deleted by a push
// meanwhile is simply not there: it must not end the walk, which would
// leave every ref after it out.
func readLooseRefs(root, dir string, byName map[plumbing.ReferenceName]plumbing.Hash) error {
	return filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() || strings.HasSuffix(p, ".lock") {
			return nil // directories are walked; symlinks and locks are no refs
		}
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		h := string(bytes.TrimSpace(b))
		rel, err := filepath.Rel(root, p)
		if err != nil || !plumbing.IsHash(h) {
			return nil
		}
		byName[plumbing.ReferenceName(filepath.ToSlash(rel))] = plumbing.NewHash(h)
		return nil
	})
}

func isBranchOrTag(name string) bool {
	n := plumbing.ReferenceName(name)
	return n.IsBranch() || n.IsTag()
}
