package gitfsck

import (
	"bytes"
	"fmt"
)

// CheckCommit refuses a commit whose header git's fsck --strict refuses: it
// must start with a tree line, then parent lines, an author and a committer
// ident, each well formed.
func CheckCommit(data []byte) error {
	hdr := header(data)
	line, hdr := nextLine(hdr)
	if !hexField(line, "tree ") {
		return commitErr("commit does not start with a valid tree line")
	}
	line, hdr = nextLine(hdr)
	for bytes.HasPrefix(line, []byte("parent ")) {
		if !hexField(line, "parent ") {
			return commitErr("commit has a bad parent line")
		}
		line, hdr = nextLine(hdr)
	}
	if !bytes.HasPrefix(line, []byte("author ")) || checkIdent(line[len("author "):]) != nil {
		return commitErr("commit has a bad or missing author")
	}
	line, _ = nextLine(hdr)
	if !bytes.HasPrefix(line, []byte("committer ")) || checkIdent(line[len("committer "):]) != nil {
		return commitErr("commit has a bad or missing committer")
	}
	return nil
}

// CheckTag refuses an annotated tag without object, type and tag lines, or
// with a malformed tagger.
func CheckTag(data []byte) error {
	hdr := header(data)
	line, hdr := nextLine(hdr)
	if !hexField(line, "object ") {
		return commitErr("tag does not start with a valid object line")
	}
	line, hdr = nextLine(hdr)
	switch string(line) {
	case "type commit", "type tree", "type blob", "type tag":
	default:
		return commitErr("tag has a bad type line")
	}
	line, hdr = nextLine(hdr)
	if !bytes.HasPrefix(line, []byte("tag ")) || len(line) == len("tag ") {
		return commitErr("tag has no name")
	}
	line, _ = nextLine(hdr)
	if bytes.HasPrefix(line, []byte("tagger ")) && checkIdent(line[len("tagger "):]) != nil {
		return commitErr("tag has a bad tagger")
	}
	return nil
}

// header is the part before the first empty line (all of it if none).
func header(data []byte) []byte {
	if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
		return data[:i+1]
	}
	return data
}

// nextLine splits off one "\n"-terminated line; an unterminated last line
// is returned as nil, as fsck refuses it.
func nextLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil, nil
	}
	return b[:i], b[i+1:]
}

func hexField(line []byte, key string) bool {
	if !bytes.HasPrefix(line, []byte(key)) || len(line) != len(key)+40 {
		return false
	}
	for _, c := range line[len(key):] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// checkIdent is fsck_ident: "Name <email> 1234567890 +0100", where the
// name holds no angle brackets, the email no '>' or newline, the time has
// no leading zero (unless it is 0) and the zone is [+-]hhmm.
func checkIdent(b []byte) error {
	lt := bytes.IndexByte(b, '<')
	gt := bytes.IndexByte(b, '>')
	switch {
	case lt < 0 || gt < lt:
		return errIdent
	case lt > 0 && b[lt-1] != ' ':
		return errIdent
	case bytes.IndexByte(b[:lt], '>') >= 0 || bytes.IndexByte(b[lt+1:gt], '<') >= 0:
		return errIdent
	}
	rest := b[gt+1:]
	if len(rest) < 2 || rest[0] != ' ' {
		return errIdent
	}
	rest = rest[1:]
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 || i > 1 && rest[0] == '0' || i > 20 {
		return errIdent
	}
	zone := rest[i:]
	if len(zone) != 6 || zone[0] != ' ' || zone[1] != '+' && zone[1] != '-' {
		return errIdent
	}
	for _, c := range zone[2:] {
		if c < '0' || c > '9' {
			return errIdent
		}
	}
	return nil
}

var errIdent = fmt.Errorf("bad ident")

func commitErr(what string) error { return fmt.Errorf("%s: %w", what, ErrBadCommit) }
