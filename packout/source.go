package packout

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// storedPack is one pack of the repository: its index and its entries'
// offsets in order, to find where each entry ends.
type storedPack struct {
	file    billy.File
	idx     *idxfile.MemoryIndex
	offsets []int64 // sorted entry offsets
	end     int64   // where the trailer starts
}

// entry is one object's place in a stored pack.
type entry struct {
	pack   *storedPack
	offset int64
}

// openPacks opens every pack under objects/pack of the repository fs.
func openPacks(fs billy.Filesystem) ([]*storedPack, error) {
	dir := path.Join("objects", "pack")
	infos, err := fs.ReadDir(dir)
	if err != nil {
		return nil, nil // no pack directory: all objects are loose
	}
	var packs []*storedPack
	for _, fi := range infos {
		name, ok := strings.CutSuffix(fi.Name(), ".idx")
		if !ok || !strings.HasPrefix(name, "pack-") {
			continue
		}
		p, err := openPack(fs, path.Join(dir, name))
		if err != nil {
			closePacks(packs)
			return nil, err
		}
		packs = append(packs, p)
	}
	return packs, nil
}

func openPack(fs billy.Filesystem, base string) (*storedPack, error) {
	f, err := fs.Open(base + ".idx")
	if err != nil {
		return nil, err
	}
	idx := idxfile.NewMemoryIndex()
	err = idxfile.NewDecoder(f).Decode(idx)
	_ = f.Close()
	if err != nil {
		return nil, fmt.Errorf("read %s.idx: %w: %w", path.Base(base), ErrCorrupt, err)
	}
	pf, err := fs.Open(base + ".pack")
	if err != nil {
		return nil, err
	}
	size, err := pf.Seek(0, io.SeekEnd)
	if err != nil {
		_ = pf.Close()
		return nil, err
	}
	p := &storedPack{file: pf, idx: idx, end: size - 20}
	if err := p.loadOffsets(); err != nil {
		_ = pf.Close()
		return nil, err
	}
	return p, nil
}

func (p *storedPack) loadOffsets() error {
	it, err := p.idx.EntriesByOffset()
	if err != nil {
		return err
	}
	defer it.Close()
	for {
		e, err := it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		p.offsets = append(p.offsets, int64(e.Offset))
	}
	sort.Slice(p.offsets, func(i, j int) bool { return p.offsets[i] < p.offsets[j] })
	return nil
}

// entryEnd is where the entry at offset ends.
func (p *storedPack) entryEnd(offset int64) int64 {
	i := sort.Search(len(p.offsets), func(i int) bool { return p.offsets[i] > offset })
	if i == len(p.offsets) {
		return p.end
	}
	return p.offsets[i]
}

func closePacks(packs []*storedPack) {
	for _, p := range packs {
		_ = p.file.Close()
	}
}

// find returns where h is stored, if in a pack.
func find(packs []*storedPack, h plumbing.Hash) (entry, bool) {
	for _, p := range packs {
		if off, err := p.idx.FindOffset(h); err == nil {
			return entry{pack: p, offset: off}, true
		}
	}
	return entry{}, false
}
