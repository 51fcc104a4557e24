package shellwords

import (
	"strings"
	"testing"
)

// FuzzSplit checks that Split never panics, keeps its bounds, and that what
// it returns survives botctl's quoting: quoting the words and splitting again
// gives the same words.
func FuzzSplit(f *testing.F) {
	for _, seed := range []string{
		"", "apps", "git-receive-pack '/my-bot'", `'it'\''s'`, `"a\"b" c\ d`, "a\\\nb",
		`'unterminated`, `"unterminated`, `trailing\`, `'' ""`, "\t\n", `"\$\` + "`" + `"`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		words, err := Split(raw)
		if err != nil {
			return
		}
		if len(words) > MaxWords {
			t.Fatalf("%d words, more than %d", len(words), MaxWords)
		}
		total := 0
		for _, w := range words {
			total += len(w)
		}
		if total > len(raw) {
			t.Fatalf("words hold %d bytes, more than the %d of the line", total, len(raw))
		}
		if len(Join(words)) > MaxCommandLine {
			return // quoting grew it past the bound; nothing to compare
		}
		again, err := Split(Join(words))
		if err != nil {
			t.Fatalf("split of quoted %q: %v", words, err)
		}
		if strings.Join(again, "\x00") != strings.Join(words, "\x00") || len(again) != len(words) {
			t.Fatalf("round trip: %q became %q", words, again)
		}
	})
}
