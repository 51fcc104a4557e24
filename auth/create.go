package auth

import (
	"errors"
	"fmt"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

// PushTarget returns the app a push from id goes to. An existing app needs
// Push permission. An unknown name is created for a user (not a deploy key)
// within their quota (admins have none); created reports that. A name taken
// by an app id may not see answers ErrAppNotFound, like any invisible app.
func (a *Authorizer) PushTarget(id Identity, name string) (store.App, bool, error) {
	app, err := a.Authorize(id, name, Push)
	if err == nil || !errors.Is(err, ErrAppNotFound) || id.IsDeployKey() {
		return app, false, err
	}
	app, err = a.create(id, name)
	if errors.Is(err, store.ErrExists) {
		// Either invisible, or created by a concurrent push since we looked:
		// one more look tells them apart without revealing anything.
		app, err = a.Authorize(id, name, Push)
		return app, false, err
	}
	if err != nil {
		return store.App{}, false, err
	}
	return app, true, nil
}

// CreateApp creates an app owned by id (apps:create) within the quota.
// Deploy keys may not create apps. A taken name is ALREADY_EXISTS: creating
// under a global namespace cannot hide that a name is in use.
func (a *Authorizer) CreateApp(id Identity, name string) (store.App, error) {
	if err := names.ValidApp(name); err != nil {
		return store.App{}, err
	}
	return a.create(id, name)
}

func (a *Authorizer) create(id Identity, name string) (store.App, error) {
	if id.IsDeployKey() {
		return store.App{}, errDeployOnlyPush
	}
	if id.User == "" {
		return store.App{}, ErrUnknownKey
	}
	limit, byMemory := a.appLimit()
	if id.Admin {
		limit = 0
	}
	err := a.store.CreateApp(store.App{Name: name, Owner: id.User}, limit)
	if errors.Is(err, store.ErrQuotaExceeded) {
		if byMemory {
			return store.App{}, a.memoryQuotaError(err, limit)
		}
		return store.App{}, quotaError(err, limit)
	}
	if err != nil {
		return store.App{}, err
	}
	app, err := a.store.App(name)
	if err != nil {
		return store.App{}, fmt.Errorf("read new app: %w", err)
	}
	return app, nil
}

// quotaError words the store's quota error for the user who hit it.
func quotaError(err error, limit int) error {
	have := limit
	var q *store.QuotaError
	if errors.As(err, &q) {
		have = q.Have
	}
	return &hint.Error{
		Code: store.ErrQuotaExceeded.Code,
		Msg:  fmt.Sprintf("app quota exceeded: you have %d of %d apps", have, limit),
		Tip: fmt.Sprintf("you have %d of %d apps; destroy one with `apps:destroy <app> --confirm <app>` "+
			"or ask an admin to raise GITD_MAX_BOTS_PER_USER", have, limit),
		Err: err,
	}
}

// appLimit is the number of apps a user may own: the app quota, or fewer
// when the memory quota allows fewer bots (byMemory then).
func (a *Authorizer) appLimit() (limit int, byMemory bool) {
	limit = a.quota
	if a.botMemory <= 0 || a.userMemory <= 0 {
		return limit, false
	}
	byMem := int(a.userMemory / a.botMemory)
	if limit <= 0 || byMem < limit {
		return byMem, true
	}
	return limit, false
}

func (a *Authorizer) memoryQuotaError(err error, limit int) error {
	return &hint.Error{
		Code: store.ErrQuotaExceeded.Code,
		Msg: fmt.Sprintf("memory quota exceeded: %d bots of %d MiB each fill your %d MiB",
			limit, a.botMemory>>20, a.userMemory>>20),
		Tip: "destroy an app with `apps:destroy <app> --confirm <app>` or ask an admin to raise GITD_USER_MEMORY",
		Err: err,
	}
}
