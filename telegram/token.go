package telegram

import (
	"regexp"
	"strings"
)

// TokenRule is the form of a bot token from @BotFather: the bot's numeric
// id, a colon and a secret.
const TokenRule = `^[0-9]{5,}:[A-Za-z0-9_-]{30,}$`

var tokenRE = regexp.MustCompile(TokenRule)

// LooksLikeToken reports whether v has a bot token's form.
func LooksLikeToken(v string) bool { return tokenRE.MatchString(v) }

// BotID is a token's public part, the bot's id ("123:secret" → "123"); ""
// when v is not a token.
func BotID(v string) string {
	if !LooksLikeToken(v) {
		return ""
	}
	id, _, _ := strings.Cut(v, ":")
	return id
}

// Redact replaces every occurrence of token in s, so a text that may hold a
// URL with the token can be shown or logged.
func Redact(s, token string) string {
	if token == "" {
		return s
	}
	id, _, _ := strings.Cut(token, ":")
	return strings.ReplaceAll(s, token, id+":<redacted>")
}
