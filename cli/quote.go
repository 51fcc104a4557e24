package cli

import (
	"errors"
	"strings"
)

// quote returns s as one word for the server's shell-like splitter. Words
// made only of characters no shell treats specially go bare, so the common
// case (`apps:info my-bot`) reads naturally in logs; anything else is
// single-quoted, the one form with no escapes inside. An embedded single
// quote closes the quotes, adds an escaped quote and reopens them:
//
//	it's  ->  'it'\''s'
func quote(s string) string {
	if s != "" && strings.Trim(s, safeChars) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

const safeChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./_-"

// quoteAll quotes each word and joins them with spaces, the way ssh joins
// its command arguments before sending them.
func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = quote(w)
	}
	return out
}

var (
	errUnterminated = errors.New("unterminated quote")
	errTrailingBS   = errors.New("trailing backslash")
)

// splitWords splits s into words with the quoting rules of sh: blanks
// separate words, '...' is literal, "..." honours \ before \ " $ ` and
// newline, and a bare backslash takes the next character literally. There is
// no expansion ($VAR, ~, globs): botctl never runs a shell, so an env value
// cannot run anything but the program it names.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		case '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errUnterminated
			}
			cur.WriteString(s[i+1 : i+1+end])
			i, inWord = i+1+end, true
		case '"':
			n, err := readDoubleQuoted(s[i+1:], &cur)
			if err != nil {
				return nil, err
			}
			i, inWord = i+1+n, true
		case '\\':
			if i+1 == len(s) {
				return nil, errTrailingBS
			}
			i++
			if s[i] != '\n' { // backslash-newline joins lines, like sh
				cur.WriteByte(s[i])
				inWord = true
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// readDoubleQuoted copies the body of a "..." string (s starts after the
// opening quote) to cur and returns the index of the closing quote.
func readDoubleQuoted(s string, cur *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i, nil
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0:
			i++
			if s[i] != '\n' {
				cur.WriteByte(s[i])
			}
		default:
			cur.WriteByte(c)
		}
	}
	return 0, errUnterminated
}
