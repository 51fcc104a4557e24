package store

import (
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/botrunner/botrunner/names"
)

// CreateUser adds a user. ErrExists if the name is taken.
func (s *Store) CreateUser(u User) error {
	return s.CreateUserWithKeys(u, nil)
}

// CreateUserWithKeys adds a user and their login keys in one transaction, so
// a user never exists half-made (e.g. an admin without the key to log in).
// Each key's User is set to u.Name. ErrExists if the name or a key is taken.
func (s *Store) CreateUserWithKeys(u User, keys []Key) error {
	if err := names.ValidUser(u.Name); err != nil {
		return err
	}
	if u.Created.IsZero() {
		u.Created = now()
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		users := tx.Bucket(bucketUsers)
		if users.Get([]byte(u.Name)) != nil {
			return exists("user", u.Name, "pick another user name")
		}
		if err := put(users, u.Name, u); err != nil {
			return err
		}
		for _, k := range keys {
			k.User, k.App = u.Name, ""
			if err := addKey(tx, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// User returns the named user. ErrNotFound if there is none.
func (s *Store) User(name string) (User, error) {
	var u User
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		u, err = getUser(tx, name)
		return err
	})
	return u, err
}

func getUser(tx *bolt.Tx, name string) (User, error) {
	var u User
	ok, err := get(tx.Bucket(bucketUsers), name, &u)
	if err == nil && !ok {
		err = notFound("user", name)
	}
	return u, err
}

// Users returns all users sorted by name.
func (s *Store) Users() ([]User, error) {
	var out []User
	err := s.db.View(func(tx *bolt.Tx) error {
		return each(tx.Bucket(bucketUsers), func(u User) error {
			out = append(out, u)
			return nil
		})
	})
	return out, err
}

// CountUsers returns how many users exist.
func (s *Store) CountUsers() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketUsers).Stats().KeyN
		return nil
	})
	return n, err
}

// DeleteUser removes a user with their keys and collaborations. It refuses
// (USER_OWNS_APPS) while they own apps, so no app is left without an owner,
// and (LAST_ADMIN) to remove the only admin, so the server stays manageable.
func (s *Store) DeleteUser(name string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		if err := checkLastAdmin(tx, u); err != nil {
			return err
		}
		if err := dropCollaborations(tx, name); err != nil {
			return err
		}
		if err := deleteKeysWhere(tx, func(k Key) bool { return k.User == name }); err != nil {
			return err
		}
		return tx.Bucket(bucketUsers).Delete([]byte(name))
	})
}

func checkLastAdmin(tx *bolt.Tx, u User) error {
	if !u.Admin {
		return nil
	}
	admins := 0
	err := each(tx.Bucket(bucketUsers), func(o User) error {
		if o.Admin {
			admins++
		}
		return nil
	})
	if err == nil && admins <= 1 {
		err = ErrLastAdmin.With(fmt.Sprintf("%s is the last admin", names.Quote(u.Name)), nil)
	}
	return err
}

// dropCollaborations refuses if name owns an app, else removes name from
// every app's collaborators.
func dropCollaborations(tx *bolt.Tx, name string) error {
	apps := tx.Bucket(bucketApps)
	var owned []string
	var changed []App
	err := each(apps, func(a App) error {
		if a.Owner == name {
			owned = append(owned, a.Name)
		}
		if i := slices.Index(a.Collaborators, name); i >= 0 {
			a.Collaborators = slices.Delete(a.Collaborators, i, i+1)
			changed = append(changed, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(owned) > 0 {
		return ErrUserOwnsApps.With(fmt.Sprintf("%s still owns %d app(s): %s", names.Quote(name), len(owned), joinNames(owned)), nil)
	}
	for _, a := range changed {
		if err := put(apps, a.Name, a); err != nil {
			return err
		}
	}
	return nil
}

// joinNames lists up to a few names; long lists would swamp the message.
func joinNames(names []string) string {
	const max = 5
	out := ""
	for i, n := range names {
		if i == max {
			return out + fmt.Sprintf(", and %d more", len(names)-max)
		}
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
