package store

import (
	"errors"

	bolt "go.etcd.io/bbolt"
)

// AddKey stores a key. Exactly one of k.User (login key) and k.App (deploy
// key) must be set, and it must exist (ErrNotFound). ErrExists if the
// fingerprint is known anywhere: one key must identify exactly one principal.
func (s *Store) AddKey(k Key) error {
	return s.db.Update(func(tx *bolt.Tx) error { return addKey(tx, k) })
}

func addKey(tx *bolt.Tx, k Key) error {
	if k.Fingerprint == "" {
		return errors.New("add key: empty fingerprint")
	}
	if (k.User == "") == (k.App == "") {
		return errors.New("add key: exactly one of user and app must be set")
	}
	if k.User != "" {
		if _, err := getUser(tx, k.User); err != nil {
			return err
		}
	} else if _, err := getApp(tx, k.App); err != nil {
		return err
	}
	keys := tx.Bucket(bucketKeys)
	if keys.Get([]byte(k.Fingerprint)) != nil {
		return exists("key", k.Fingerprint, "that key is already registered; each key may belong to one user or app only — generate another with `ssh-keygen -t ed25519`")
	}
	if k.Added.IsZero() {
		k.Added = now()
	}
	return put(keys, k.Fingerprint, k)
}

// KeyByFingerprint returns the key with fingerprint fp. ErrNotFound if none.
func (s *Store) KeyByFingerprint(fp string) (Key, error) {
	var k Key
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := get(tx.Bucket(bucketKeys), fp, &k)
		if err == nil && !ok {
			err = notFound("key", fp)
		}
		return err
	})
	return k, err
}

// KeysOf returns the login keys of user, sorted by fingerprint. A missing
// user simply has none.
func (s *Store) KeysOf(user string) ([]Key, error) {
	return s.keysWhere(func(k Key) bool { return user != "" && k.User == user })
}

// DeployKeysOf returns the deploy keys of app, sorted by fingerprint.
func (s *Store) DeployKeysOf(app string) ([]Key, error) {
	return s.keysWhere(func(k Key) bool { return app != "" && k.App == app })
}

// keysWhere scans all keys; a gitd has few enough that an index is not worth
// keeping consistent.
func (s *Store) keysWhere(match func(Key) bool) ([]Key, error) {
	var out []Key
	err := s.db.View(func(tx *bolt.Tx) error {
		return each(tx.Bucket(bucketKeys), func(k Key) error {
			if match(k) {
				out = append(out, k)
			}
			return nil
		})
	})
	return out, err
}

// RemoveKey deletes the key with fingerprint fp. ErrNotFound if none.
func (s *Store) RemoveKey(fp string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		keys := tx.Bucket(bucketKeys)
		if keys.Get([]byte(fp)) == nil {
			return notFound("key", fp)
		}
		return keys.Delete([]byte(fp))
	})
}

// deleteKeysWhere removes every key that matches, inside tx.
func deleteKeysWhere(tx *bolt.Tx, match func(Key) bool) error {
	keys := tx.Bucket(bucketKeys)
	var doomed []string
	err := each(keys, func(k Key) error {
		if match(k) {
			doomed = append(doomed, k.Fingerprint)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, fp := range doomed {
		if err := keys.Delete([]byte(fp)); err != nil {
			return err
		}
	}
	return nil
}
