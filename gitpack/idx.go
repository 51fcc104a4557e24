package gitpack

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// writeFiles writes the version-2 index and gives both files their final
// names: the pack first, the index last, as readers find packs by index.
func (ix *indexer) writeFiles(dir string, res *Result) error {
	order, err := ix.sortedByHash()
	if err != nil {
		return err
	}
	if err := ix.file.Sync(); err != nil {
		return fmt.Errorf("sync pack: %w", err)
	}
	base := filepath.Join(dir, "pack-"+res.Checksum.String())
	res.Pack, res.Idx = base+".pack", base+".idx"
	tmp, err := os.CreateTemp(dir, "tmp_idx_")
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = ix.writeIdx(tmp, order, res.Checksum)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	if err := os.Rename(ix.file.Name(), res.Pack); err != nil {
		return fmt.Errorf("name pack: %w", err)
	}
	if err := os.Rename(tmp.Name(), res.Idx); err != nil {
		_ = os.Remove(res.Pack)
		return fmt.Errorf("name index: %w", err)
	}
	return nil
}

// sortedByHash orders the entries by object id, refusing a pack that holds
// one object twice.
func (ix *indexer) sortedByHash() ([]int32, error) {
	order := make([]int32, len(ix.entries))
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(a, b int) bool {
		return bytes.Compare(ix.entries[order[a]].hash[:], ix.entries[order[b]].hash[:]) < 0
	})
	for i := 1; i < len(order); i++ {
		if ix.entries[order[i]].hash == ix.entries[order[i-1]].hash {
			return nil, fmt.Errorf("pack holds object %s twice: %w", ix.entries[order[i]].hash, ErrBadPack)
		}
	}
	return order, nil
}

// writeIdx writes git's index format version 2: magic and version, the
// 256-entry fan-out table, ids, CRC-32s, 31-bit offsets (with a table of
// 64-bit ones for offsets past 2 GiB), the pack's checksum and its own.
func (ix *indexer) writeIdx(f io.Writer, order []int32, packSum [20]byte) error {
	sum := sha1.New()
	w := bufio.NewWriter(io.MultiWriter(f, sum))
	put := func(v uint32) { _ = binary.Write(w, binary.BigEndian, v) }
	w.Write([]byte{0xff, 't', 'O', 'c'})
	put(2)
	var fan [256]uint32
	for _, i := range order {
		fan[ix.entries[i].hash[0]]++
	}
	var acc uint32
	for _, n := range fan {
		acc += n
		put(acc)
	}
	for _, i := range order {
		w.Write(ix.entries[i].hash[:])
	}
	for _, i := range order {
		put(ix.entries[i].crc)
	}
	var large []uint64
	for _, i := range order {
		off := ix.entries[i].off
		if off < 1<<31 {
			put(uint32(off))
			continue
		}
		put(1<<31 | uint32(len(large)))
		large = append(large, uint64(off))
	}
	for _, off := range large {
		_ = binary.Write(w, binary.BigEndian, off)
	}
	w.Write(packSum[:])
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := f.Write(sum.Sum(nil))
	return err
}
