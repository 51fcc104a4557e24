package receive

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

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
	ents, err := os.ReadDir(filepath.Join(root, dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var buf [64]byte // a ref is 41 bytes; more is no ref
	for _, d := range ents {
		name := dir + "/" + d.Name()
		switch {
		case d.IsDir():
			err = readLooseRefs(root, name, byName)
		case d.Type().IsRegular() && !strings.HasSuffix(name, ".lock"):
			err = readLooseRef(filepath.Join(root, name), buf[:], name, byName)
		} // symlinks and locks are no refs
		if err != nil {
			return err
		}
	}
	return nil
}

// readLooseRef reads one loose ref file with three system calls: os.ReadFile
// takes seven (the poller's, a stat), and a mirror of 3,500 refs spent most
// of its CPU there. O_NOFOLLOW: a symlink swapped in meanwhile is no ref.
func readLooseRef(path string, buf []byte, name string, byName map[plumbing.ReferenceName]plumbing.Hash) error {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0)
	if err != nil {
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ELOOP) {
			return nil
		}
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	n, err := syscall.Read(fd, buf)
	_ = syscall.Close(fd)
	if err != nil {
		return &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if h := string(bytes.TrimSpace(buf[:max(n, 0)])); plumbing.IsHash(h) {
		byName[plumbing.ReferenceName(name)] = plumbing.NewHash(h)
	}
	return nil
}

func isBranchOrTag(name string) bool {
	n := plumbing.ReferenceName(name)
	return n.IsBranch() || n.IsTag()
}
