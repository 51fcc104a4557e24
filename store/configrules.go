package store

import (
	"fmt"
	"strings"

	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/telegram"
)

// Config var rules. Names become environment variable names in the bot's
// container; values are passed as they are, newlines included, but a NUL
// cannot be part of an environment variable.
const (
	MaxConfigValue = 32 << 10  // bytes per value
	MaxConfigVars  = 200       // vars per app
	MaxConfigTotal = 256 << 10 // bytes of all names and values of one app
	BotTokenName   = "BOT_TOKEN"
	BotTokenRule   = telegram.TokenRule
)

// validConfigValue checks one value on its own. Errors name the var, never
// its value: values are secrets.
func validConfigValue(name, value string) error {
	switch {
	case strings.IndexByte(value, 0) >= 0:
		return ErrInvalidConfigValue.With(fmt.Sprintf("config var %s contains a NUL byte", name), nil)
	case len(value) > MaxConfigValue:
		return ErrConfigTooLarge.With(fmt.Sprintf("config var %s is %d bytes; at most %d", name, len(value), MaxConfigValue), nil)
	case name == BotTokenName && !telegram.LooksLikeToken(value):
		return ErrInvalidBotToken.With(ErrInvalidBotToken.Msg, nil)
	}
	return nil
}

// validateChange checks every name and value of a change, in name order so
// the error reported is the same each time.
func validateChange(set map[string]string, unset []string) error {
	for _, name := range sortedKeys(set) {
		if err := names.ValidConfig(name); err != nil {
			return err
		}
		if err := validConfigValue(name, set[name]); err != nil {
			return err
		}
	}
	for _, name := range unset {
		if err := names.ValidConfig(name); err != nil {
			return err
		}
	}
	return nil
}

// checkConfigSize checks the limits on a whole config.
func checkConfigSize(m map[string]string) error {
	if len(m) > MaxConfigVars {
		return ErrConfigTooLarge.With(fmt.Sprintf("the app would have %d config vars; at most %d", len(m), MaxConfigVars), nil)
	}
	total := 0
	for k, v := range m {
		total += len(k) + len(v)
	}
	if total > MaxConfigTotal {
		return ErrConfigTooLarge.With(fmt.Sprintf("the config would be %d bytes; at most %d", total, MaxConfigTotal), nil)
	}
	return nil
}
