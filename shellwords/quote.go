package shellwords

import "strings"

// Quote returns s as one word for the server's shell-like splitter. Words
// made only of characters no shell treats specially go bare, so the common
// case (`apps:info my-bot`) reads naturally in logs; anything else is
// single-quoted, the one form with no escapes inside. An embedded single
// quote closes the quotes, adds an escaped quote and reopens them:
//
//	it's  ->  'it'\''s'
func Quote(s string) string {
	if s != "" && strings.Trim(s, safeChars) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

const safeChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./_-"

// QuoteAll quotes each word (ssh joins them with spaces before sending).
func QuoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = Quote(w)
	}
	return out
}

// Join quotes each word and joins them with spaces: a command line Split
// gives back word for word.
func Join(words []string) string {
	return strings.Join(QuoteAll(words), " ")
}
