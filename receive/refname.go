package receive

import (
	"fmt"
	"strings"
)

const maxRefNameLen = 1024

// CheckRefName applies git's check-ref-format rules to a pushed ref name and
// further limits pushes to branches and tags: nothing else in a bot's repo is
// ours to accept.
func CheckRefName(name string) error {
	if err := checkRefFormat(name); err != nil {
		return fmt.Errorf("%q: %s: %w", clip(name), err.Error(), ErrBadRefName)
	}
	if !strings.HasPrefix(name, "refs/heads/") && !strings.HasPrefix(name, "refs/tags/") {
		return fmt.Errorf("%q: only refs/heads/* and refs/tags/* may be pushed: %w", clip(name), ErrBadRefName)
	}
	return nil
}

type refFormatError string

func (e refFormatError) Error() string { return string(e) }

func checkRefFormat(name string) error {
	switch {
	case name == "" || name == "@":
		return refFormatError("empty or @")
	case len(name) > maxRefNameLen:
		return refFormatError("too long")
	case strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//"):
		return refFormatError("empty path component")
	case strings.HasSuffix(name, "."):
		return refFormatError("ends with a dot")
	case strings.Contains(name, ".."):
		return refFormatError("contains ..")
	case strings.Contains(name, "@{"):
		return refFormatError("contains @{")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(" ~^:?*[\\", r) {
			return refFormatError(fmt.Sprintf("contains %q", r))
		}
	}
	for _, c := range strings.Split(name, "/") {
		if strings.HasPrefix(c, ".") || strings.HasSuffix(c, ".lock") {
			return refFormatError("a component starts with a dot or ends with .lock")
		}
	}
	if !strings.Contains(name, "/") {
		return refFormatError("needs at least one /")
	}
	return nil
}

// clip keeps echoed user input short.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
