package names

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/botrunner/botrunner/hint"
)

// The rules. App names become repo directories, container names and
// DNS-ish labels, so they are strict; user names also appear in labels;
// config var names become environment variable names in the bot's container.
const (
	AppRule       = `^[a-z][a-z0-9-]{1,38}[a-z0-9]$`
	UserRule      = `^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$`
	ConfigRule    = `^[A-Za-z_][A-Za-z0-9_]*$`
	MaxConfigName = 256 // bytes per config var name
)

var (
	appRE    = regexp.MustCompile(AppRule)
	userRE   = regexp.MustCompile(UserRule)
	configRE = regexp.MustCompile(ConfigRule)
)

// maxQuoted bounds how much of untrusted input an error message echoes.
const maxQuoted = 64

// ValidApp returns nil if name is a valid app name, or an INVALID_APP_NAME
// error quoting the rule.
func ValidApp(name string) error {
	if appRE.MatchString(name) {
		return nil
	}
	return invalid(ErrInvalidApp, "app", name)
}

// ValidUser returns nil if name is a valid user name, or an
// INVALID_USER_NAME error quoting the rule.
func ValidUser(name string) error {
	if userRE.MatchString(name) {
		return nil
	}
	return invalid(ErrInvalidUser, "user", name)
}

// ValidConfig returns nil if name may be a config var name, else an
// INVALID_CONFIG_NAME error quoting the rule.
func ValidConfig(name string) error {
	switch {
	case name == "":
		return ErrInvalidConfigName.With("config var name missing", nil)
	case len(name) > MaxConfigName:
		return ErrInvalidConfigName.With(fmt.Sprintf("config var name %s is %d bytes; at most %d", Quote(name), len(name), MaxConfigName), nil)
	case !configRE.MatchString(name):
		return ErrInvalidConfigName.With(fmt.Sprintf("invalid config var name %s", Quote(name)), nil)
	}
	return nil
}

// AppOfRepoPath is the app a git client's repository path names:
// "/my-bot.git", "~/my-bot" and "my-bot" all name my-bot. The result is
// not checked: see ValidApp.
func AppOfRepoPath(p string) string {
	p = strings.TrimPrefix(p, "~/")
	p = strings.TrimPrefix(p, "/")
	return strings.TrimSuffix(p, ".git")
}

func invalid(sentinel *hint.Error, kind, name string) error {
	if name == "" {
		return sentinel.With(kind+" name missing", nil)
	}
	return sentinel.With(fmt.Sprintf("invalid %s name %s", kind, Quote(name)), nil)
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

// Count is n and the noun, in the plural unless n is 1: "1 file", "3 files".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
