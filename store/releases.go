package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Release states.
const (
	ReleaseBuilding = "building"
	ReleaseFailed   = "failed"
	ReleaseDeployed = "deployed"
)

// Release is one deploy attempt of an app. Failed attempts keep their
// number, so "v7 failed" stays findable next to its build log.
type Release struct {
	App      string
	Number   int
	Commit   string // the deployed commit
	Ref      string // the pushed ref that triggered it, e.g. refs/heads/main
	Tag      string // the tag name when a tag was pushed (CI deploys)
	Image    string // image ID
	ImageTag string // botrunner/<app>:v<N>
	Strategy string
	Pusher   string
	Created  time.Time
	Status   string
	Reason   string // why it failed
}

// releaseKey sorts releases of one app by number.
func releaseKey(app string, n int) []byte { return fmt.Appendf(nil, "%s/%010d", app, n) }

// AddRelease records a new release of r.App with the next number, which it
// returns. ErrNotFound if the app does not exist.
func (s *Store) AddRelease(r Release) (Release, error) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if _, err := getApp(tx, r.App); err != nil {
			return err
		}
		b := tx.Bucket(bucketRels)
		r.Number = 1
		c := b.Cursor()
		prefix := []byte(r.App + "/")
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			r.Number++
		}
		if r.Created.IsZero() {
			r.Created = now()
		}
		return put(b, string(releaseKey(r.App, r.Number)), r)
	})
	return r, err
}

// UpdateRelease stores r over the release with the same app and number.
func (s *Store) UpdateRelease(r Release) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRels)
		if b.Get(releaseKey(r.App, r.Number)) == nil {
			return notFound("release", fmt.Sprintf("%s v%d", r.App, r.Number))
		}
		return put(b, string(releaseKey(r.App, r.Number)), r)
	})
}

// Release returns release n of app.
func (s *Store) Release(app string, n int) (Release, error) {
	var r Release
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := get(tx.Bucket(bucketRels), string(releaseKey(app, n)), &r)
		if err == nil && !ok {
			err = notFound("release", fmt.Sprintf("%s v%d", app, n))
		}
		return err
	})
	return r, err
}

// Releases returns app's releases, oldest first.
func (s *Store) Releases(app string) ([]Release, error) {
	var out []Release
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRels).Cursor()
		prefix := []byte(app + "/")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r Release
			if err := jsonDecode(k, v, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// SetCurrentRelease records which release of app is the one running.
func (s *Store) SetCurrentRelease(app string, n int) error {
	return s.updateApp(app, func(_ *bolt.Tx, a *App) error {
		a.Current = n
		return nil
	})
}

func deleteReleases(tx *bolt.Tx, app string) error {
	b := tx.Bucket(bucketRels)
	prefix := []byte(app + "/")
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
