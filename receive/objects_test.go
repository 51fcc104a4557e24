package receive

import (
	"bytes"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/stretchr/testify/require"
)

// objs builds git objects by hand in memory, including ones a stock git
// client would never make (unsafe tree entries), and packs them.
type objs struct {
	t  testing.TB
	st *memory.Storage
}

func newObjs(t testing.TB) *objs { return &objs{t: t, st: memory.NewStorage()} }

func (o *objs) store(enc interface {
	Encode(plumbing.EncodedObject) error
}) plumbing.Hash {
	obj := o.st.NewEncodedObject()
	require.NoError(o.t, enc.Encode(obj))
	h, err := o.st.SetEncodedObject(obj)
	require.NoError(o.t, err)
	return h
}

func (o *objs) blob(content []byte) plumbing.Hash {
	obj := o.st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	require.NoError(o.t, err)
	_, err = w.Write(content)
	require.NoError(o.t, err)
	require.NoError(o.t, w.Close())
	h, err := o.st.SetEncodedObject(obj)
	require.NoError(o.t, err)
	return h
}

// tree makes a tree of blobs (name → hash); entries must be given sorted.
func (o *objs) tree(entries ...object.TreeEntry) plumbing.Hash {
	return o.store(&object.Tree{Entries: entries})
}

func file(name string, h plumbing.Hash) object.TreeEntry {
	return object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h}
}

func dir(name string, h plumbing.Hash) object.TreeEntry {
	return object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
}

var epoch = time.Unix(1700000000, 0)

func (o *objs) commit(tree plumbing.Hash, parents ...plumbing.Hash) plumbing.Hash {
	sig := object.Signature{Name: "t", Email: "t@example.com", When: epoch}
	return o.store(&object.Commit{Author: sig, Committer: sig, Message: "m\n", TreeHash: tree, ParentHashes: parents})
}

// simpleCommit is a commit of one file whose content is msg.
func (o *objs) simpleCommit(msg string, parents ...plumbing.Hash) plumbing.Hash {
	return o.commit(o.tree(file("bot.py", o.blob([]byte(msg)))), parents...)
}

// pack encodes the given objects (exactly these, nothing reachable added).
func (o *objs) pack(hashes ...plumbing.Hash) []byte {
	var b bytes.Buffer
	_, err := packfile.NewEncoder(&b, o.st, false).Encode(hashes, 10)
	require.NoError(o.t, err)
	return b.Bytes()
}

// all returns every object stored so far.
func (o *objs) all() []plumbing.Hash {
	var hs []plumbing.Hash
	for h := range o.st.Objects {
		hs = append(hs, h)
	}
	return hs
}
