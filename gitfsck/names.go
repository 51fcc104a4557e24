package gitfsck

import (
	"strings"
	"unicode/utf8"
)

// IsDotGit reports whether a tree entry name is ".git" for any filesystem a
// checkout may land on: exact or in another case, with characters HFS+
// ignores (U+200C, U+FEFF, …), or with what NTFS drops or treats specially
// (trailing spaces and dots, "::$INDEX_ALLOCATION" streams, the 8.3 short
// name GIT~1, a backslash as separator).
func IsDotGit(name string) bool {
	return isHFSDot(name, "git") || isNTFSDotGit(name)
}

// IsDotGitmodules is IsDotGit for ".gitmodules" (whose 8.3 short names are
// GITMOD~1..4 and gi7eba~1..9).
func IsDotGitmodules(name string) bool {
	return isHFSDot(name, "gitmodules") || isNTFSDot(name, "gitmodules", "gi7eba")
}

// hfsIgnored are the code points HFS+ drops when it compares names.
func hfsIgnored(r rune) bool {
	switch {
	case r >= 0x200c && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x206a && r <= 0x206f, r == 0xfeff:
		return true
	}
	return false
}

// isHFSDot reports whether name is "." + needle on HFS+: ignorable code
// points skipped, ASCII compared without case, and nothing but a separator
// after it.
func isHFSDot(name, needle string) bool {
	next := func() (rune, bool) {
		for name != "" {
			r, n := utf8.DecodeRuneInString(name)
			if r == utf8.RuneError && n <= 1 {
				return 0, false // malformed UTF-8 cannot spell .git
			}
			name = name[n:]
			if !hfsIgnored(r) {
				return r, true
			}
		}
		return 0, true
	}
	if r, ok := next(); !ok || r != '.' {
		return false
	}
	for i := 0; i < len(needle); i++ {
		r, ok := next()
		if !ok || r > 127 || lowerASCII(byte(r)) != needle[i] {
			return false
		}
	}
	r, ok := next()
	return ok && (r == 0 || r == '/')
}

// isNTFSDotGit is git's is_ntfs_dotgit: ".git" or "git~1" in any case, then
// only spaces and dots up to the end, a separator or a stream colon.
func isNTFSDotGit(name string) bool {
	var rest string
	switch {
	case len(name) >= 4 && strings.EqualFold(name[:4], ".git"):
		rest = name[4:]
	case len(name) >= 5 && strings.EqualFold(name[:3], "git") && name[3:5] == "~1":
		rest = name[5:]
	default:
		return false
	}
	return onlySpacesAndDots(rest)
}

// isNTFSDot is git's is_ntfs_dot_generic for ".<needle>": the long name,
// the short names <first six>~1..4, and the hashed short name
// <shortPrefix>~1..9, each followed only by spaces and dots.
func isNTFSDot(name, needle, shortPrefix string) bool {
	if len(name) > len(needle) && name[0] == '.' && strings.EqualFold(name[1:len(needle)+1], needle) {
		return onlySpacesAndDots(name[len(needle)+1:])
	}
	if len(name) >= 8 && name[6] == '~' {
		head := strings.ToLower(name[:6])
		d := name[7]
		if head == needle[:6] && d >= '1' && d <= '4' || head == shortPrefix && d >= '1' && d <= '9' {
			return onlySpacesAndDots(name[8:])
		}
	}
	return false
}

// onlySpacesAndDots reports whether s is empty or only spaces and dots up to
// its end, a path separator or an alternate data stream's colon.
func onlySpacesAndDots(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/', '\\', ':':
			return true
		case ' ', '.':
		default:
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
