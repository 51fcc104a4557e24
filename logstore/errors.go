package logstore

import (
	"errors"
	"fmt"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
)

// Sentinels. Hint errors returned by this package carry the same Code with a
// more specific message, so callers match them with errors.Is.
var (
	// ErrNotFound: no build log for that app (and release).
	ErrNotFound = hint.New("BUILD_LOG_NOT_FOUND", "build log not found",
		"build logs are kept for the last builds of an app only; push (or `rebuild`) to build again")
	// ErrInvalidApp is store's INVALID_APP_NAME: names are checked before they become paths.
	ErrInvalidApp = names.ErrInvalidApp

	// ErrClosed is returned by every call after Close.
	ErrClosed = errors.New("logstore: closed")
	// ErrBadLine: a Line with an unknown stream or a negative release.
	ErrBadLine = errors.New("logstore: bad line")
	// ErrBadRelease: build logs belong to releases numbered from 1.
	ErrBadRelease = errors.New("logstore: bad release number")
	// ErrBadOptions: Options that cannot hold (e.g. a cap smaller than a few lines).
	ErrBadOptions = errors.New("logstore: bad options")
)

// buildNotFound names the missing build log.
func buildNotFound(app string, release int) error {
	msg := fmt.Sprintf("no build log for %s", app)
	if release > 0 {
		msg = fmt.Sprintf("no build log for %s v%d", app, release)
	}
	return &hint.Error{Code: ErrNotFound.Code, Msg: msg, Tip: ErrNotFound.Tip}
}
