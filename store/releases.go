package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Release states.
//
// building → started → deployed, or → failed from either. A pushed release
// is "started" while its container runs but the push is not committed yet
// (objects and refs not in the repository); only AcceptRelease makes it
// "deployed" and the app's current release, in one transaction. A gitd
// that stops in between leaves "building" or "started", which the
// reconcile at start marks failed.
const (
	ReleaseBuilding = "building"
	ReleaseStarted  = "started"
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
	Source   string // image mode: the image ref pulled, e.g. 127.0.0.1:5000/echo:v1 (Commit is empty)
	Pusher   string
	Created  time.Time
	Status   string
	Reason   string // why it failed

	// Config is the app's config vars this release runs with. It is stored
	// sealed, apart from the rest of the record, and never marshalled to
	// JSON, so no JSON output of a Release can leak a secret.
	Config       map[string]string `json:"-"`
	ConfigChange string            // names only, e.g. "set BOT_TOKEN, DEBUG"; see ConfigUpdate.Change
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
		return s.putRelease(tx, r)
	})
	return r, err
}

// UpdateRelease stores r over the release with the same app and number.
func (s *Store) UpdateRelease(r Release) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketRels).Get(releaseKey(r.App, r.Number)) == nil {
			return notFound("release", fmt.Sprintf("%s v%d", r.App, r.Number))
		}
		return s.putRelease(tx, r)
	})
}

// Release returns release n of app.
func (s *Store) Release(app string, n int) (Release, error) {
	var r Release
	err := s.db.View(func(tx *bolt.Tx) error {
		key := releaseKey(app, n)
		data := tx.Bucket(bucketRels).Get(key)
		if data == nil {
			return notFound("release", fmt.Sprintf("%s v%d", app, n))
		}
		var err error
		r, err = s.decodeRelease(tx, key, data)
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
			r, err := s.decodeRelease(tx, k, v)
			if err != nil {
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

// AcceptRelease marks release n of app deployed and makes it the app's
// current release, both or neither.
func (s *Store) AcceptRelease(app string, n int) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		a, err := getApp(tx, app)
		if err != nil {
			return err
		}
		key := releaseKey(app, n)
		data := tx.Bucket(bucketRels).Get(key)
		if data == nil {
			return notFound("release", fmt.Sprintf("%s v%d", app, n))
		}
		r, err := s.decodeRelease(tx, key, data)
		if err != nil {
			return err
		}
		r.Status, r.Reason = ReleaseDeployed, ""
		if err := s.putRelease(tx, r); err != nil {
			return err
		}
		a.Current = n
		return put(tx.Bucket(bucketApps), a.Name, a)
	})
}

// Unfinished reports whether a release in state status never finished:
// gitd stopped while building or before the push committed.
func Unfinished(status string) bool { return status == ReleaseBuilding || status == ReleaseStarted }

// putRelease stores r's record and, apart from it, its sealed config.
func (s *Store) putRelease(tx *bolt.Tx, r Release) error {
	key := releaseKey(r.App, r.Number)
	if err := s.putConfigMap(tx.Bucket(bucketRelConfig), key, r.Config); err != nil {
		return err
	}
	return put(tx.Bucket(bucketRels), string(key), r)
}

// decodeRelease decodes the record data stored at key and opens its config.
func (s *Store) decodeRelease(tx *bolt.Tx, key, data []byte) (Release, error) {
	var r Release
	if err := jsonDecode(key, data, &r); err != nil {
		return r, err
	}
	cfg, err := s.getConfigMap(tx.Bucket(bucketRelConfig), key)
	r.Config = cfg
	return r, err
}

func deleteReleases(tx *bolt.Tx, app string) error {
	for _, name := range [][]byte{bucketRels, bucketRelConfig} {
		if err := deletePrefix(tx.Bucket(name), []byte(app+"/")); err != nil {
			return err
		}
	}
	return nil
}

func deletePrefix(b *bolt.Bucket, prefix []byte) error {
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
