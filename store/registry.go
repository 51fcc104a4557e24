package store

import (
	"fmt"
	"log/slog"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// bucketRegistry holds each app's registry login for image-mode deploys:
// app -> sealed JSON sealedLogin.
var bucketRegistry = []byte("registry-logins")

// RegistryLogin is an app's login to one image registry, kept for later
// pulls (rebuild) of its image-mode releases. It is stored sealed like
// config vars, and the password never leaves through JSON or logs: print
// Username and Registry only.
type RegistryLogin struct {
	Registry string // host[:port] it was given for; it is never sent to another
	Username string
	Password string `json:"-"`
}

// LogValue keeps the password out of any log line a login ends up in.
func (l RegistryLogin) LogValue() slog.Value {
	return slog.GroupValue(slog.String("registry", l.Registry), slog.String("username", l.Username))
}

// String is "alice @ 127.0.0.1:5000", for people; no password.
func (l RegistryLogin) String() string { return l.Username + " @ " + l.Registry }

// sealedLogin is what is sealed: RegistryLogin with its password.
type sealedLogin struct {
	Registry, Username, Password string
}

// maxLoginField bounds each field of a login; registry tokens are long
// but not that long.
const maxLoginField = 8 << 10

// SetRegistryLogin stores app's registry login, replacing the one it had.
// Callers store a login only after a pull with it succeeded, so a wrong
// password never replaces a good one. ErrNotFound if no such app.
func (s *Store) SetRegistryLogin(app string, l RegistryLogin) error {
	if err := checkLogin(l); err != nil {
		return err
	}
	sealed, err := s.sealJSON(sealedLogin(l))
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if _, err := getApp(tx, app); err != nil {
			return err
		}
		return tx.Bucket(bucketRegistry).Put([]byte(app), sealed)
	})
}

// RegistryLogin returns app's registry login; ok is false when it has
// none. ErrNotFound if no such app.
func (s *Store) RegistryLogin(app string) (l RegistryLogin, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		if _, err := getApp(tx, app); err != nil {
			return err
		}
		data := tx.Bucket(bucketRegistry).Get([]byte(app))
		if data == nil {
			return nil
		}
		var sl sealedLogin
		if err := s.openJSON(fmt.Sprintf("registry login of %s", app), data, &sl); err != nil {
			return err
		}
		l, ok = RegistryLogin(sl), true
		return nil
	})
	return l, ok, err
}

// DeleteRegistryLogin forgets app's registry login; having none is fine.
func (s *Store) DeleteRegistryLogin(app string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return deleteRegistryLogin(tx, app) })
}

func deleteRegistryLogin(tx *bolt.Tx, app string) error {
	return tx.Bucket(bucketRegistry).Delete([]byte(app))
}

func checkLogin(l RegistryLogin) error {
	for _, f := range []struct{ name, v string }{
		{"registry", l.Registry}, {"username", l.Username}, {"password", l.Password},
	} {
		if f.v == "" || len(f.v) > maxLoginField || strings.ContainsAny(f.v, "\x00\r\n") {
			return fmt.Errorf("registry login: invalid %s", f.name)
		}
	}
	return nil
}
