package store

import (
	"errors"
	"fmt"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
)

// Sentinels. Errors returned by this package carry the same Code with a more
// specific message, so callers match them with errors.Is.
var (
	ErrNotFound      = hint.New("NOT_FOUND", "not found", "check the name; `apps`, `users` and `keys` list what exists")
	ErrExists        = hint.New("ALREADY_EXISTS", "already exists", "pick another name")
	ErrQuotaExceeded = hint.New("QUOTA_EXCEEDED", "app quota exceeded", "destroy an app or ask an admin to raise GITD_MAX_BOTS_PER_USER")
	ErrUserOwnsApps  = hint.New("USER_OWNS_APPS", "user still owns apps", "destroy their apps first (apps:destroy <app> --confirm <app>)")
	ErrLastAdmin     = hint.New("LAST_ADMIN", "cannot remove the last admin", "make another user an admin first")
	ErrDataDirLocked = hint.New("DATA_DIR_LOCKED", "the database is locked", "another gitd is using this data dir; stop it or use another --data dir")

	ErrInvalidConfigValue = hint.New("INVALID_CONFIG_VALUE", "invalid config var value", "values may hold any text (newlines too) but no NUL byte")
	ErrConfigTooLarge     = hint.New("CONFIG_TOO_LARGE", "config too large", "an app may have 200 vars, each value at most 32 KiB, all together at most 256 KiB; keep big data in files or a database")
	ErrInvalidBotToken    = hint.New("INVALID_BOT_TOKEN", "BOT_TOKEN does not look like a Telegram bot token", "a token looks like 123456789:AA…, from @BotFather")
	ErrBotTokenInUse      = hint.New("BOT_TOKEN_IN_USE", "this bot already belongs to another app", "one bot belongs to one app, whatever the var is called: two copies polling one bot fight (Telegram answers 409 Conflict) — unset it on the other app, or make a new bot with @BotFather")
	ErrSecretKeyMismatch  = hint.New("SECRET_KEY_MISMATCH", "the secret key does not open this database's secrets", "this data dir was written with another secret key: restore its secret.key file (a new key cannot read the old secrets)")

	// ErrNoSecretKey: config vars (and release configs) were used on a
	// store opened without a secrets.Box. A wiring bug, not a user error.
	ErrNoSecretKey = errors.New("store: no secret key (open the store with OpenWithBox)")
)

// QuotaError is the cause wrapped by a QUOTA_EXCEEDED error: it says how many
// apps the owner has, so callers can phrase their own hint.
type QuotaError struct {
	Owner string
	Have  int // apps the owner owns now
	Limit int // the limit that was applied
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("%s owns %d of %d apps", e.Owner, e.Have, e.Limit)
}

// notFound returns a NOT_FOUND error naming what was missing.
func notFound(kind, name string) error {
	return &hint.Error{Code: ErrNotFound.Code, Msg: fmt.Sprintf("%s %s not found", kind, names.Quote(name)), Tip: ErrNotFound.Tip}
}

// exists returns an ALREADY_EXISTS error naming what clashed.
func exists(kind, name, tip string) error {
	return &hint.Error{Code: ErrExists.Code, Msg: fmt.Sprintf("%s %s already exists", kind, names.Quote(name)), Tip: tip}
}
