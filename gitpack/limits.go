package gitpack

import (
	"github.com/go-git/go-git/v5/plumbing"
)

// Limits bound what one pack may cost. Zero fields take the defaults.
type Limits struct {
	MaxBytes      int64 // bytes of pack on the wire
	MaxObjects    int64 // objects in the pack
	MaxObjectSize int64 // inflated bytes of one object (also a delta's result)
	MaxInflated   int64 // inflated bytes of all objects together
	DeltaBudget   int64 // bytes of resolved base data held while resolving deltas
}

// Defaults. An object count is bounded because each object costs the index
// some 60 bytes of memory however small it is on the wire.
const (
	DefaultMaxBytes      = 200 << 20
	DefaultMaxObjects    = 1_000_000
	DefaultMaxObjectSize = 128 << 20
	DefaultMaxInflated   = 2 << 30
	DefaultDeltaBudget   = 32 << 20
)

func (l Limits) withDefaults() Limits {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxBytes, DefaultMaxBytes)
	def(&l.MaxObjects, DefaultMaxObjects)
	def(&l.MaxObjectSize, DefaultMaxObjectSize)
	def(&l.MaxInflated, DefaultMaxInflated)
	def(&l.DeltaBudget, DefaultDeltaBudget)
	return l
}

// Options are what a caller gives Index besides the stream.
type Options struct {
	Limits Limits
	// Check is called with the content of every commit, tree and tag (after
	// delta resolution); an error refuses the pack.
	Check func(t plumbing.ObjectType, data []byte) error
	// Base returns an object the pack's deltas are based on but does not
	// carry (a thin pack), from the repository, refusing ones over max
	// bytes. Nil refuses thin packs.
	Base func(h plumbing.Hash, max int64) (plumbing.ObjectType, []byte, error)
}
