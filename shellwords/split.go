package shellwords

import (
	"fmt"
	"strings"
)

// Bounds on what Split accepts. The command line comes from an untrusted
// client; a bound keeps one request from costing much memory or time.
const (
	MaxCommandLine = 64 << 10 // bytes
	MaxWords       = 256
)

// Split splits an SSH command line into words the way a POSIX shell would,
// without expanding anything (no variables, globs, redirections or command
// substitution: those characters are literal):
//
//   - blanks (space, tab, newline) separate words;
//   - '...' is literal up to the next single quote;
//   - "..." is literal except that a backslash escapes ", \, $ and `
//     (before other characters the backslash stays);
//   - outside quotes a backslash makes the next character literal;
//   - a backslash before a newline joins lines, as in sh.
//
// An empty pair of quotes is an empty word. An unterminated quote, a trailing
// backslash, a line over MaxCommandLine bytes or more than MaxWords words is a
// BAD_COMMAND_LINE error. botctl quotes every argument in single quotes,
// writing an embedded quote as quote, backslash, quote, quote; git sends
// git-receive-pack '/my-bot'. Both round-trip.
func Split(raw string) ([]string, error) {
	if len(raw) > MaxCommandLine {
		return nil, ErrBadCommandLine.With(
			fmt.Sprintf("command line too long (%d bytes, at most %d)", len(raw), MaxCommandLine), nil)
	}
	s := splitter{raw: raw, words: []string{}}
	for s.i < len(raw) {
		if err := s.step(); err != nil {
			return nil, err
		}
	}
	s.endWord()
	if len(s.words) > MaxWords {
		return nil, ErrBadCommandLine.With(fmt.Sprintf("too many words (at most %d)", MaxWords), nil)
	}
	return s.words, nil
}

// splitter is Split's state: the word being built and whether one has begun
// (a word may be empty: a pair of quotes with nothing between).
type splitter struct {
	raw    string
	i      int
	cur    strings.Builder
	inWord bool
	words  []string
}

func (s *splitter) step() error {
	c := s.raw[s.i]
	s.i++
	switch c {
	case ' ', '\t', '\n':
		s.endWord()
		return nil
	case '\'':
		return s.single()
	case '"':
		return s.double()
	case '\\':
		return s.escape()
	}
	s.add(c)
	return nil
}

func (s *splitter) add(c byte) {
	s.cur.WriteByte(c)
	s.inWord = true
}

func (s *splitter) endWord() {
	if !s.inWord {
		return
	}
	// Stop collecting early so a flood of tiny words cannot grow the slice
	// far past the bound before Split reports it.
	if len(s.words) <= MaxWords {
		s.words = append(s.words, s.cur.String())
	}
	s.cur.Reset()
	s.inWord = false
}

// single reads the rest of a '...' word part.
func (s *splitter) single() error {
	end := strings.IndexByte(s.raw[s.i:], '\'')
	if end < 0 {
		return ErrBadCommandLine.With("unterminated single quote", nil)
	}
	s.cur.WriteString(s.raw[s.i : s.i+end])
	s.inWord = true
	s.i += end + 1
	return nil
}

// double reads the rest of a "..." word part.
func (s *splitter) double() error {
	s.inWord = true
	for s.i < len(s.raw) {
		c := s.raw[s.i]
		s.i++
		switch {
		case c == '"':
			return nil
		case c == '\\' && s.i < len(s.raw):
			s.escapeInDouble()
		default:
			s.cur.WriteByte(c)
		}
	}
	return ErrBadCommandLine.With("unterminated double quote", nil)
}

// escapeInDouble handles the character after a backslash inside "...": only
// the characters special there are escaped, as in sh.
func (s *splitter) escapeInDouble() {
	c := s.raw[s.i]
	s.i++
	switch c {
	case '"', '\\', '$', '`':
		s.cur.WriteByte(c)
	case '\n':
		// line continuation: both characters vanish
	default:
		s.cur.WriteByte('\\')
		s.cur.WriteByte(c)
	}
}

// escape handles a backslash outside quotes.
func (s *splitter) escape() error {
	if s.i >= len(s.raw) {
		return ErrBadCommandLine.With("command line ends with a backslash", nil)
	}
	c := s.raw[s.i]
	s.i++
	if c != '\n' {
		s.add(c)
	}
	return nil
}
