package receive

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
)

// The walk of a fetch reads only the links of commits, tags and trees:
// these parse them from the raw objects (package packout) without
// go-git's full decoding. The objects passed gitfsck when they came in.

var errBadTree = errors.New("malformed tree entry")

// commitLinks returns a commit's tree and parents: its header's first
// lines.
func commitLinks(data []byte) (plumbing.Hash, []plumbing.Hash) {
	var tree plumbing.Hash
	var parents []plumbing.Hash
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		if h, ok := headerHash(line, "tree "); ok {
			tree = h
		} else if h, ok := headerHash(line, "parent "); ok {
			parents = append(parents, h)
		} else {
			break
		}
	}
	return tree, parents
}

// tagTarget returns the object a tag names on its first line and the type
// its second line gives it.
func tagTarget(data []byte) (plumbing.Hash, plumbing.ObjectType, bool) {
	line, rest, _ := bytes.Cut(data, []byte{'\n'})
	h, ok := headerHash(line, "object ")
	line, _, _ = bytes.Cut(rest, []byte{'\n'})
	typ, isType := bytes.CutPrefix(line, []byte("type "))
	t, err := plumbing.ParseObjectType(string(typ))
	if !ok || !isType || err != nil {
		return plumbing.ZeroHash, plumbing.InvalidObject, false
	}
	return h, t, true
}

func headerHash(line []byte, key string) (plumbing.Hash, bool) {
	hex, ok := bytes.CutPrefix(line, []byte(key))
	if !ok || !plumbing.IsHash(string(hex)) {
		return plumbing.ZeroHash, false
	}
	return plumbing.NewHash(string(hex)), true
}

// treeEntries calls fn with each entry of a tree ("<mode> <name>\0<20-byte
// id>"): whether it is a directory or a submodule, and its id.
func treeEntries(data []byte, fn func(dir, module bool, h plumbing.Hash)) error {
	for len(data) > 0 {
		mode, rest, ok := bytes.Cut(data, []byte{' '})
		if !ok {
			return errBadTree
		}
		nul := bytes.IndexByte(rest, 0)
		if nul < 0 || len(rest) < nul+1+20 {
			return errBadTree
		}
		var h plumbing.Hash
		copy(h[:], rest[nul+1:nul+21])
		data = rest[nul+21:]
		m, err := strconv.ParseUint(string(mode), 8, 32)
		if err != nil {
			return errBadTree
		}
		fn(m == 0o40000, m == 0o160000, h)
	}
	return nil
}
