package store

import (
	"fmt"
	"regexp"

	"github.com/botrunner/botrunner/hint"
)

// The naming rules. App names become repo directories, container names and
// DNS-ish labels, so they are strict; user names also appear in labels.
const (
	AppNameRule  = `^[a-z][a-z0-9-]{1,38}[a-z0-9]$`
	UserNameRule = `^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$`
)

var (
	appNameRE  = regexp.MustCompile(AppNameRule)
	userNameRE = regexp.MustCompile(UserNameRule)
)

// maxQuoted bounds how much of untrusted input an error message echoes.
const maxQuoted = 64

// ValidAppName returns nil if name is a valid app name, or an
// INVALID_APP_NAME hint error quoting the rule.
func ValidAppName(name string) error {
	if appNameRE.MatchString(name) {
		return nil
	}
	return invalidName(ErrInvalidApp, "app", name)
}

// ValidUserName returns nil if name is a valid user name, or an
// INVALID_USER_NAME hint error quoting the rule.
func ValidUserName(name string) error {
	if userNameRE.MatchString(name) {
		return nil
	}
	return invalidName(ErrInvalidUser, "user", name)
}

func invalidName(sentinel *hint.Error, kind, name string) error {
	if name == "" {
		return &hint.Error{Code: sentinel.Code, Msg: kind + " name missing", Tip: sentinel.Tip}
	}
	return &hint.Error{Code: sentinel.Code, Msg: fmt.Sprintf("invalid %s name %s", kind, Quote(name)), Tip: sentinel.Tip}
}

// Quote returns s as a Go-quoted string, cut to 64 bytes (marked with "..."),
// so that untrusted input echoed in an error can neither flood the output nor
// smuggle control characters to a terminal.
func Quote(s string) string {
	if len(s) <= maxQuoted {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q...", s[:maxQuoted])
}
