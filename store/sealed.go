package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/botrunner/botrunner/secrets"
)

// keyCheck is sealed into the meta bucket by the first open with a Box, so
// a later open with another key fails at once instead of at the first
// config read (or, worse, after sealing new values with the wrong key).
var (
	metaKeyCheck = []byte("secret-key-check")
	keyCheckText = []byte("botrunner secret key check v1")
)

func (s *Store) checkKey(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if sealed := meta.Get(metaKeyCheck); sealed != nil {
		plain, err := s.box.Open(sealed)
		if err != nil || !bytes.Equal(plain, keyCheckText) {
			return ErrSecretKeyMismatch.With("the secret key does not open this database's secrets", err)
		}
		return nil
	}
	sealed, err := s.box.Seal(keyCheckText)
	if err != nil {
		return err
	}
	return meta.Put(metaKeyCheck, sealed)
}

// sealJSON encodes v as JSON and seals it.
func (s *Store) sealJSON(v any) ([]byte, error) {
	if s.box == nil {
		return nil, ErrNoSecretKey
	}
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode sealed value: %w", err)
	}
	return s.box.Seal(plain)
}

// openJSON opens a value made by sealJSON into v. what names it in errors.
func (s *Store) openJSON(what string, sealed []byte, v any) error {
	if s.box == nil {
		return ErrNoSecretKey
	}
	plain, err := s.box.Open(sealed)
	if errors.Is(err, secrets.ErrOpen) {
		return ErrSecretKeyMismatch.With(fmt.Sprintf("cannot open the sealed %s (wrong secret key or corrupted data)", what), err)
	}
	if err != nil {
		return fmt.Errorf("open sealed %s: %w", what, err)
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("decode sealed %s: %w", what, err)
	}
	return nil
}

// getConfigMap opens the config sealed at key in bucket b; nil if none.
func (s *Store) getConfigMap(b *bolt.Bucket, key []byte) (map[string]string, error) {
	sealed := b.Get(key)
	if sealed == nil {
		return nil, nil
	}
	var m map[string]string
	if err := s.openJSON(fmt.Sprintf("config of %s", key), sealed, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// putConfigMap seals m at key in bucket b; an empty m deletes the key, so
// no box is needed to store "no config".
func (s *Store) putConfigMap(b *bolt.Bucket, key []byte, m map[string]string) error {
	if len(m) == 0 {
		return b.Delete(key)
	}
	sealed, err := s.sealJSON(m)
	if err != nil {
		return err
	}
	return b.Put(key, sealed)
}

// deleteConfig drops app's config and frees its bots. It scans the index
// by value instead of opening the config, so it needs no key.
func deleteConfig(tx *bolt.Tx, app string) error {
	if err := tx.Bucket(bucketConfig).Delete([]byte(app)); err != nil {
		return err
	}
	for _, b := range [][]byte{bucketBots, bucketNotify} {
		if err := tx.Bucket(b).Delete([]byte(app)); err != nil {
			return err
		}
	}
	idx := tx.Bucket(bucketBotIDs)
	var keys [][]byte
	err := idx.ForEach(func(k, v []byte) error {
		if holder, _ := botHolder(v); holder == app {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := idx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
