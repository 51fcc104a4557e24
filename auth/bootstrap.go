package auth

import (
	"errors"
	"fmt"

	"github.com/botrunner/botrunner/store"
)

// AdminUser is the user Bootstrap creates and gives the admin keys to.
const AdminUser = "admin"

// Bootstrap makes the configured admin keys (authorized_keys lines) work.
//
// On an empty store it creates user "admin" (Admin) with these keys, in one
// transaction. On a later start it adds each key not yet known to "admin"
// (re-creating "admin" as an admin if it was deleted), so adding
// `--admin-key` to a running installation works; keys already held by an
// admin are left alone. A key held by a non-admin or as a deploy key fails
// with KEY_IN_USE rather than silently not being an admin key. With no keys
// Bootstrap does nothing. Every line is parsed before anything is written.
func (a *Authorizer) Bootstrap(adminKeys []string) error {
	keys, err := parseAdminKeys(adminKeys)
	if err != nil || len(keys) == 0 {
		return err
	}
	n, err := a.store.CountUsers()
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if n == 0 {
		return a.store.CreateUserWithKeys(store.User{Name: AdminUser, Admin: true}, keys)
	}
	fresh, err := a.unknownKeys(keys)
	if err != nil || len(fresh) == 0 {
		return err
	}
	if _, err := a.store.User(AdminUser); errors.Is(err, store.ErrNotFound) {
		return a.store.CreateUserWithKeys(store.User{Name: AdminUser, Admin: true}, fresh)
	}
	for _, k := range fresh {
		k.User = AdminUser
		if err := a.store.AddKey(k); err != nil {
			return fmt.Errorf("bootstrap: add admin key %s: %w", k.Fingerprint, err)
		}
	}
	return nil
}

// parseAdminKeys parses every line, dropping repeats.
func parseAdminKeys(lines []string) ([]store.Key, error) {
	var keys []store.Key
	seen := map[string]bool{}
	for i, line := range lines {
		pk, comment, err := ParseAuthorizedKey([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("admin key %d: %w", i+1, err)
		}
		k := NewKey(pk, comment)
		if !seen[k.Fingerprint] {
			seen[k.Fingerprint] = true
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// unknownKeys returns the keys the store does not know yet, and KEY_IN_USE
// for one known as anything but an admin's key.
func (a *Authorizer) unknownKeys(keys []store.Key) ([]store.Key, error) {
	var fresh []store.Key
	for _, k := range keys {
		have, err := a.store.KeyByFingerprint(k.Fingerprint)
		if errors.Is(err, store.ErrNotFound) {
			fresh = append(fresh, k)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("bootstrap: %w", err)
		}
		if err := a.checkAdminKey(have); err != nil {
			return nil, err
		}
	}
	return fresh, nil
}

func (a *Authorizer) checkAdminKey(k store.Key) error {
	owner := "registered as the deploy key of app " + k.App
	if k.User != "" {
		u, err := a.store.User(k.User)
		if err != nil {
			return fmt.Errorf("bootstrap: %w", err)
		}
		if u.Admin {
			return nil
		}
		owner = "registered to user " + u.Name
	}
	return ErrKeyInUse.With(fmt.Sprintf("admin key %s is already %s", k.Fingerprint, owner), nil)
}
