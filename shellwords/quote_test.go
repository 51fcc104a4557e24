package shellwords

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"apps:info", "apps:info"},
		{"my-bot", "my-bot"},
		{"SHA256:abc+/=", "SHA256:abc+/="},
		{"a@b.c,d%e_f", "a@b.c,d%e_f"},
		{"", "''"},
		{"two words", "'two words'"},
		{"it's", `'it'\''s'`},
		{"'", `''\'''`},
		{"$HOME", "'$HOME'"},
		{"a;rm -rf /", "'a;rm -rf /'"},
		{"line\nbreak", "'line\nbreak'"},
		{`back\slash`, `'back\slash'`},
		{"#comment", "'#comment'"},
		{"~", "'~'"},
		{"*", "'*'"},
		{"K=V", "K=V"},
		{"ünïcode", "'ünïcode'"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Quote(tt.in), "Quote(%q)", tt.in)
	}
}

// roundTripCases are argument lists the server must get back word for word.
var roundTripCases = [][]string{
	{"apps:info", "my-bot"},
	{"config:set", "my-bot", "TOKEN=123:abc", "GREETING=hello world"},
	{"x", ""},
	{"x", "", ""},
	{"it's", `"double"`, `back\slash`, `\'`, "'''"},
	{"$HOME", "`id`", "$(id)", "a;b", "a|b", "a&b", "<in", ">out"},
	{"tab\there", "new\nline", "  lead", "trail  ", "\r"},
	{"-n", "--json", "-", "--"},
	{"*", "?", "[a]", "~", "~root", "#x", "a#b", "!x", "{a,b}"},
	{"ünïcode ✓", "\x01\x7f"},
}

func TestQuoteRoundTripSplitWords(t *testing.T) {
	for _, words := range roundTripCases {
		got, err := Split(strings.Join(QuoteAll(words), " "))
		require.NoError(t, err)
		assert.Equal(t, words, got)
	}
}

// shSplit asks /bin/sh to split line, as the reference for the shell rules
// the server's splitter follows. line is passed as an argument and split by
// eval inside the script, never pasted into the script text.
func shSplit(t *testing.T, line string) []string {
	t.Helper()
	ci.NeedTools(t, "sh")
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	script := `eval "set -- $1" && for a in "$@"; do printf '%s\0' "$a"; done`
	out, err := exec.Command(sh, "-c", script, "sh", line).Output()
	require.NoError(t, err, "sh split %q", line)
	words := strings.Split(string(out), "\x00")
	return words[:len(words)-1]
}

func TestQuoteRoundTripSh(t *testing.T) {
	for _, words := range roundTripCases {
		assert.Equal(t, words, shSplit(t, strings.Join(QuoteAll(words), " ")))
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"ssh", []string{"ssh"}},
		{"  ssh   -i key\t-p 22\n", []string{"ssh", "-i", "key", "-p", "22"}},
		{`ssh -o "ProxyCommand=nc %h %p"`, []string{"ssh", "-o", "ProxyCommand=nc %h %p"}},
		{`ssh -i '/my keys/id'`, []string{"ssh", "-i", "/my keys/id"}},
		{`a\ b c`, []string{"a b", "c"}},
		{`"a\"b" "a\b" "\$x" "\\"`, []string{`a"b`, `a\b`, `$x`, `\`}},
		{`'a'"b"c`, []string{"abc"}},
		{`'' ""`, []string{"", ""}},
		{"a\\\nb", []string{"ab"}},
		{`"x\` + "\n" + `y"`, []string{"xy"}},
		{`'a\b'`, []string{`a\b`}},
		{"", []string{}},
		{"   ", []string{}},
	}
	for _, tt := range tests {
		got, err := Split(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, "Split(%q)", tt.in)
		if len(tt.want) > 0 {
			assert.Equal(t, tt.want, shSplit(t, tt.in), "sh agrees on %q", tt.in)
		}
	}
}

func TestSplitWordsErrors(t *testing.T) {
	for _, in := range []string{`ssh 'open`, `ssh "open`, `ssh \`, `"a\"`} {
		_, err := Split(in)
		assert.Error(t, err, in)
	}
}

// FuzzQuoteRoundTrip checks that any word survives quote then splitWords;
// `go test` runs the seeds, `go test -fuzz` explores.
func FuzzQuoteRoundTrip(f *testing.F) {
	for _, words := range roundTripCases {
		for _, w := range words {
			f.Add(w)
		}
	}
	f.Fuzz(func(t *testing.T, w string) {
		words := []string{"cmd", w, w + "'" + w}
		got, err := Split(strings.Join(QuoteAll(words), " "))
		if err != nil || !equalWords(got, words) {
			t.Fatalf("round trip of %q gave %q, %v", words, got, err)
		}
		if (w == "" || strings.Trim(w, safeChars) != "") && !strings.HasPrefix(Quote(w), "'") {
			t.Fatalf("Quote(%q) = %q is bare but must be quoted", w, Quote(w))
		}
	})
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
