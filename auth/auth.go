package auth

import (
	"errors"
	"fmt"
	"slices"

	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

// Identity is who an SSH key speaks for: a user (maybe an admin) or a deploy
// key bound to one app.
type Identity struct {
	User        string // "" for a deploy key
	Admin       bool
	DeployApp   string // non-empty only for a deploy key
	Fingerprint string // of the key that authenticated
}

// String names the identity for messages and logs.
func (i Identity) String() string {
	if i.DeployApp != "" {
		return "deploy key for " + i.DeployApp
	}
	return i.User
}

// IsDeployKey reports whether the identity is an app's deploy key.
func (i Identity) IsDeployKey() bool { return i.DeployApp != "" }

// Action is what a caller wants to do to an app.
type Action int

const (
	Read   Action = iota // see, info, clone, logs, status
	Push                 // git push, deploy
	Manage               // destroy, access:*, deploy-keys, config
)

func (a Action) String() string {
	switch a {
	case Read:
		return "read"
	case Push:
		return "push"
	case Manage:
		return "manage"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Authorizer decides what identities may do. It is safe for concurrent use.
type Authorizer struct {
	store *store.Store
	quota int // apps per non-admin user; <= 0 means no limit

	// Memory quota: each bot gets botMemory, a user may have userMemory in
	// all (GITD_USER_MEMORY); 0 = none. With one limit for every bot this
	// caps the apps at userMemory/botMemory, checked in the same
	// transaction as the app count.
	botMemory, userMemory int64
}

// SetMemoryQuota limits the memory a user's bots may take in all.
func (a *Authorizer) SetMemoryQuota(perBot, perUser int64) {
	a.botMemory, a.userMemory = perBot, perUser
}

// New returns an Authorizer over s allowing each non-admin user
// maxAppsPerUser apps (<= 0: no limit).
func New(s *store.Store, maxAppsPerUser int) *Authorizer {
	return &Authorizer{store: s, quota: maxAppsPerUser}
}

// Identify maps an authenticated public key to an identity by its SHA256
// fingerprint. ErrUnknownKey if the key is not registered.
func (a *Authorizer) Identify(key gossh.PublicKey) (Identity, error) {
	if key == nil {
		return Identity{}, ErrUnknownKey
	}
	fp := gossh.FingerprintSHA256(key)
	k, err := a.store.KeyByFingerprint(fp)
	if errors.Is(err, store.ErrNotFound) {
		return Identity{}, ErrUnknownKey
	}
	if err != nil {
		return Identity{}, fmt.Errorf("identify key: %w", err)
	}
	if k.App != "" {
		return Identity{DeployApp: k.App, Fingerprint: fp}, nil
	}
	u, err := a.store.User(k.User)
	if errors.Is(err, store.ErrNotFound) {
		return Identity{}, ErrUnknownKey // a key orphaned by a crash mid-delete
	}
	if err != nil {
		return Identity{}, fmt.Errorf("identify key: %w", err)
	}
	return Identity{User: u.Name, Admin: u.Admin, Fingerprint: fp}, nil
}

// RequireAdmin returns ErrAdminOnly unless id is an admin.
func RequireAdmin(id Identity) error {
	if id.Admin && !id.IsDeployKey() {
		return nil
	}
	return ErrAdminOnly
}

// Authorize returns the app if id may do act to it. Roles: admins and the
// owner may do everything; collaborators may Read and Push; a deploy key may
// only Push to its own app. An invalid name gets the names.ValidApp
// error; an app that is missing or that id may not see gets ErrAppNotFound,
// the very same value in both cases.
func (a *Authorizer) Authorize(id Identity, name string, act Action) (store.App, error) {
	if err := names.ValidApp(name); err != nil {
		return store.App{}, err
	}
	if id.IsDeployKey() && id.DeployApp != name {
		return store.App{}, ErrAppNotFound // don't even look: no timing hint
	}
	if !id.IsDeployKey() && id.User == "" {
		return store.App{}, ErrUnknownKey
	}
	app, err := a.store.App(name)
	if errors.Is(err, store.ErrNotFound) {
		return store.App{}, ErrAppNotFound
	}
	if err != nil {
		return store.App{}, fmt.Errorf("authorize: %w", err)
	}
	if err := allowed(id, app, act); err != nil {
		return store.App{}, err
	}
	return app, nil
}

// allowed applies the role rules to an app that exists.
func allowed(id Identity, app store.App, act Action) error {
	switch {
	case id.IsDeployKey():
		if act != Push {
			return errDeployOnlyPush
		}
		return nil
	case id.Admin || app.Owner == id.User:
		return nil
	case slices.Contains(app.Collaborators, id.User):
		if act == Read || act == Push {
			return nil
		}
		return errOwnerOnly
	}
	return ErrAppNotFound
}

// VisibleApps lists, sorted by name, the apps id may see: all for an admin,
// owned and collaborating apps for a user, its own app for a deploy key.
func (a *Authorizer) VisibleApps(id Identity) ([]store.App, error) {
	all, err := a.store.Apps()
	if err != nil {
		return nil, fmt.Errorf("list apps: %w", err)
	}
	var out []store.App
	for _, app := range all {
		if visible(id, app) {
			out = append(out, app)
		}
	}
	return out, nil
}

func visible(id Identity, app store.App) bool {
	if id.IsDeployKey() {
		return app.Name == id.DeployApp
	}
	if id.User == "" {
		return false
	}
	return id.Admin || app.Owner == id.User || slices.Contains(app.Collaborators, id.User)
}
