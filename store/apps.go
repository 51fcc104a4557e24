package store

import (
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
)

// CreateApp adds an app owned by a.Owner, who must exist. In one transaction
// it fails with ErrExists if the name is taken, then with ErrQuotaExceeded
// (wrapping a *QuotaError) if the owner already has maxPerOwner apps or more;
// maxPerOwner <= 0 means no limit. Doing both in one transaction is what
// keeps concurrent pushes from overshooting the quota.
func (s *Store) CreateApp(a App, maxPerOwner int) error {
	if err := names.ValidApp(a.Name); err != nil {
		return err
	}
	if a.Created.IsZero() {
		a.Created = now()
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if _, err := getUser(tx, a.Owner); err != nil {
			return err
		}
		collab, err := cleanCollaborators(tx, a)
		if err != nil {
			return err
		}
		a.Collaborators = collab
		apps := tx.Bucket(bucketApps)
		if apps.Get([]byte(a.Name)) != nil {
			return exists("app", a.Name, "app names are global; pick another name")
		}
		if err := checkQuota(apps, a.Owner, maxPerOwner); err != nil {
			return err
		}
		return put(apps, a.Name, a)
	})
}

// cleanCollaborators dedupes a's collaborators, drops the owner and checks
// that each exists.
func cleanCollaborators(tx *bolt.Tx, a App) ([]string, error) {
	var out []string
	for _, c := range a.Collaborators {
		if c == a.Owner || slices.Contains(out, c) {
			continue
		}
		if _, err := getUser(tx, c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	slices.Sort(out)
	return out, nil
}

func checkQuota(apps *bolt.Bucket, owner string, limit int) error {
	if limit <= 0 {
		return nil
	}
	have := 0
	err := each(apps, func(a App) error {
		if a.Owner == owner {
			have++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if have >= limit {
		q := &QuotaError{Owner: owner, Have: have, Limit: limit}
		return ErrQuotaExceeded.With(fmt.Sprintf("app quota exceeded: %s", q), q)
	}
	return nil
}

// App returns the named app. ErrNotFound if there is none.
func (s *Store) App(name string) (App, error) {
	var a App
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		a, err = getApp(tx, name)
		return err
	})
	return a, err
}

func getApp(tx *bolt.Tx, name string) (App, error) {
	var a App
	ok, err := get(tx.Bucket(bucketApps), name, &a)
	if err == nil && !ok {
		err = notFound("app", name)
	}
	return a, err
}

// Apps returns all apps sorted by name.
func (s *Store) Apps() ([]App, error) {
	var out []App
	err := s.db.View(func(tx *bolt.Tx) error {
		return each(tx.Bucket(bucketApps), func(a App) error {
			out = append(out, a)
			return nil
		})
	})
	return out, err
}

// DeleteApp removes an app with its deploy keys, releases, config and registry login, and
// frees its BOT_TOKEN for other apps. ErrNotFound if none.
func (s *Store) DeleteApp(name string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if _, err := getApp(tx, name); err != nil {
			return err
		}
		if err := deleteKeysWhere(tx, func(k Key) bool { return k.App == name }); err != nil {
			return err
		}
		if err := deleteReleases(tx, name); err != nil {
			return err
		}
		if err := deleteConfig(tx, name); err != nil {
			return err
		}
		if err := deleteRegistryLogin(tx, name); err != nil {
			return err
		}
		return tx.Bucket(bucketApps).Delete([]byte(name))
	})
}

// AddCollaborator lets user read and push app. Both must exist (ErrNotFound).
// Adding a collaborator twice, or the owner, changes nothing.
func (s *Store) AddCollaborator(app, user string) error {
	return s.updateApp(app, func(tx *bolt.Tx, a *App) error {
		if _, err := getUser(tx, user); err != nil {
			return err
		}
		if user != a.Owner && !slices.Contains(a.Collaborators, user) {
			a.Collaborators = append(a.Collaborators, user)
			slices.Sort(a.Collaborators)
		}
		return nil
	})
}

// RemoveCollaborator revokes user's access to app. ErrNotFound if the app
// does not exist or user is not one of its collaborators, so a typo is
// reported instead of silently doing nothing.
func (s *Store) RemoveCollaborator(app, user string) error {
	return s.updateApp(app, func(_ *bolt.Tx, a *App) error {
		i := slices.Index(a.Collaborators, user)
		if i < 0 {
			return &hint.Error{Code: ErrNotFound.Code, Tip: "`apps:info <app>` lists its collaborators",
				Msg: fmt.Sprintf("%s is not a collaborator on %s", names.Quote(user), a.Name)}
		}
		a.Collaborators = slices.Delete(a.Collaborators, i, i+1)
		return nil
	})
}

// updateApp loads app, lets fn change it and stores it, in one transaction.
func (s *Store) updateApp(name string, fn func(*bolt.Tx, *App) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		a, err := getApp(tx, name)
		if err != nil {
			return err
		}
		if err := fn(tx, &a); err != nil {
			return err
		}
		return put(tx.Bucket(bucketApps), a.Name, a)
	})
}
