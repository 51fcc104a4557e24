package store

import (
	"io"

	bolt "go.etcd.io/bbolt"
)

// Snapshot writes a consistent copy of the whole database to w, from one
// read transaction: writers go on meanwhile, and the copy is the database
// as it was when the transaction began. It is what `gitd backup` stores.
func (s *Store) Snapshot(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}
