package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/botrunner/botrunner/secrets"
)

// User is an account. Its keys are stored separately (see Key).
type User struct {
	Name    string
	Admin   bool
	Created time.Time
}

// Key is an SSH public key: either a user's login key or an app's deploy key.
type Key struct {
	Fingerprint   string // gossh.FingerprintSHA256, "SHA256:..."; the primary key, unique across all users
	User          string // the user the key belongs to; "" for a deploy key
	App           string // non-empty only for a deploy key: the single app it may push to
	AuthorizedKey string // the key as one authorized_keys line "type base64 [comment]"
	Comment       string
	Added         time.Time
}

// App is a hosted bot. Collaborators never include the owner.
type App struct {
	Name          string
	Owner         string
	Created       time.Time
	Collaborators []string
	Settings      AppSettings
	Current       int    // the release number that is (meant to be) running; 0 = none yet
	Stopped       string // who stopped the bot (operator, run-time limit); "" = it should run
}

// Store is the persistent state of one gitd. It is safe for concurrent use.
type Store struct {
	db  *bolt.DB
	box *secrets.Box // seals config vars; nil when opened with Open
}

var (
	bucketUsers = []byte("users")
	bucketKeys  = []byte("keys")
	bucketApps  = []byte("apps")
	bucketRels  = []byte("releases")

	// Sealed data and its indexes (config.go, sealed.go).
	bucketConfig    = []byte("config")         // app -> sealed JSON map
	bucketRelConfig = []byte("release-config") // releaseKey -> sealed JSON map
	bucketBotIDs    = []byte("bot-ids")        // MAC(bot id of any token-valued var) -> app (+ unverifiedMark)
	bucketBots      = []byte("bots")           // app -> Bot (what getMe said), JSON
	bucketNotify    = []byte("notify")         // app -> NotifyTargets, JSON
	bucketMeta      = []byte("meta")           // store-wide records (the key check)
)

var allBuckets = [][]byte{bucketUsers, bucketKeys, bucketApps, bucketRels,
	bucketConfig, bucketRelConfig, bucketBotIDs, bucketBots, bucketNotify, bucketMeta, bucketRegistry}

// lockTimeout is how long Open waits for another process's lock on the file.
// bbolt's default is to wait forever, which would make a second gitd on the
// same data dir hang silently instead of failing.
var lockTimeout = time.Second

// Open opens (creating if needed, mode 0600) the database at path. It fails
// with DATA_DIR_LOCKED when another process holds the file. A store opened
// this way has no secret key: everything works except config vars and
// releases that carry a config (ErrNoSecretKey). gitd uses OpenWithBox.
func Open(path string) (*Store, error) { return OpenWithBox(path, nil) }

// OpenWithBox is Open with the Box that seals config vars. The first open
// with a Box records a value sealed with it; later opens with a Box that
// cannot open that value fail with SECRET_KEY_MISMATCH, before anything is
// read or written with the wrong key. A nil box behaves like Open.
func OpenWithBox(path string, box *secrets.Box) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrDataDirLocked.With(fmt.Sprintf("database %s is locked", path), err)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, box: box}
	if err := db.Update(s.initialize); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// initialize creates the buckets and checks the secret key.
func (s *Store) initialize(tx *bolt.Tx) error {
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create buckets: %w", err)
		}
	}
	if s.box == nil {
		return nil
	}
	if err := s.checkKey(tx); err != nil {
		return err
	}
	return s.indexBotIDs(tx)
}

// Close releases the file and its lock.
func (s *Store) Close() error { return s.db.Close() }

// get decodes the JSON value at key into v; it reports whether key existed.
func get(b *bolt.Bucket, key string, v any) (bool, error) {
	data := b.Get([]byte(key))
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

// put stores v as JSON at key.
func put(b *bolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put([]byte(key), data)
}

func jsonDecode(k, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s: %w", k, err)
	}
	return nil
}

// each decodes every value of b in key order and calls fn with it.
func each[T any](b *bolt.Bucket, fn func(T) error) error {
	return b.ForEach(func(k, data []byte) error {
		var v T
		if err := jsonDecode(k, data, &v); err != nil {
			return err
		}
		return fn(v)
	})
}

// now is the timestamp given to new records; UTC so the file is portable.
func now() time.Time { return time.Now().UTC().Truncate(time.Second) }
