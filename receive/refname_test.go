package receive

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckRefName(t *testing.T) {
	tests := []struct {
		name string
		ref  string
		ok   bool
	}{
		{"branch", "refs/heads/main", true},
		{"nested branch", "refs/heads/feature/x", true},
		{"tag", "refs/tags/v1.0", true},
		{"dots inside a component", "refs/heads/a.b.c", true},
		{"at sign alone in a component", "refs/heads/@", true},
		{"unicode", "refs/heads/ünïcode", true},
		{"max length", "refs/heads/" + strings.Repeat("x", maxRefNameLen-len("refs/heads/")), true},

		{"empty", "", false},
		{"lone @", "@", false},
		{"path traversal", "refs/heads/../../config", false},
		{"double dot", "refs/heads/a..b", false},
		{"leading dot component", "refs/heads/.hidden", false},
		{"leading dot deeper", "refs/heads/a/.b", false},
		{"dot component", "refs/heads/./x", false},
		{"lock suffix", "refs/heads/x.lock", false},
		{"lock suffix mid-path", "refs/heads/x.lock/y", false},
		{"reflog syntax", "refs/heads/a@{b", false},
		{"NUL", "refs/heads/a\x00b", false},
		{"newline", "refs/heads/a\nb", false},
		{"tab", "refs/heads/a\tb", false},
		{"DEL", "refs/heads/a\x7fb", false},
		{"space", "refs/heads/a b", false},
		{"tilde", "refs/heads/a~1", false},
		{"caret", "refs/heads/a^", false},
		{"colon", "refs/heads/a:b", false},
		{"question mark", "refs/heads/a?", false},
		{"star", "refs/heads/*", false},
		{"open bracket", "refs/heads/a[b", false},
		{"backslash", `refs/heads/a\b`, false},
		{"trailing slash", "refs/heads/", false},
		{"trailing slash deeper", "refs/heads/x/", false},
		{"leading slash", "/refs/heads/x", false},
		{"double slash", "refs/heads//x", false},
		{"trailing dot", "refs/heads/x.", false},
		{"no slash", "main", false},
		{"HEAD", "HEAD", false},
		{"notes", "refs/notes/x", false},
		{"remotes", "refs/remotes/origin/main", false},
		{"bare refs/heads", "refs/heads", false},
		{"heads without refs", "heads/main", false},
		{"too long", "refs/heads/" + strings.Repeat("x", maxRefNameLen), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRefName(tt.ref)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrBadRefName)
			assert.LessOrEqual(t, len(err.Error()), 300, "the echoed name is clipped")
		})
	}
}

func FuzzCheckRefName(f *testing.F) {
	for _, s := range []string{
		"refs/heads/main", "refs/tags/v1.0", "refs/heads/../../config", "refs/heads/a..b",
		"refs/heads/.hidden", "refs/heads/x.lock", "refs/heads/a@{b", "@", "refs/heads/a\x00",
		"refs/heads//x", "refs/heads/x.", "refs/notes/x", "refs/heads/\xff\xfe",
	} {
		f.Add(s)
	}
	// Plain checks, not per-byte asserts: the fuzzer's minimizer runs this
	// body very many times on long inputs.
	f.Fuzz(func(t *testing.T, name string) {
		if CheckRefName(name) != nil {
			return
		}
		if v := refNameViolation(name); v != "" {
			t.Errorf("accepted %q: %s", name, v)
		}
	})
}

// refNameViolation restates the rules independently of checkRefFormat.
func refNameViolation(name string) string {
	switch {
	case strings.Contains(name, ".."):
		return "contains .."
	case strings.Contains(name, "//"), strings.HasSuffix(name, "/"):
		return "empty component"
	case strings.Contains(name, "@{"):
		return "contains @{"
	case strings.HasSuffix(name, "."):
		return "ends with ."
	case !strings.HasPrefix(name, "refs/heads/") && !strings.HasPrefix(name, "refs/tags/"):
		return "not a branch or tag"
	case len(name) > maxRefNameLen:
		return "too long"
	case strings.ContainsAny(name, " ~^:?*[\\\x7f"):
		return "forbidden character"
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 {
			return "control character"
		}
	}
	for _, c := range strings.Split(name, "/") {
		if strings.HasPrefix(c, ".") || strings.HasSuffix(c, ".lock") {
			return "component " + c
		}
	}
	return ""
}
