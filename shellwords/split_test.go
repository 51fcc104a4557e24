package shellwords

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want []string
	}{
		{"empty", "", []string{}},
		{"blanks only", " \t\n ", []string{}},
		{"plain words", "apps:create my-bot", []string{"apps:create", "my-bot"}},
		{"runs of blanks", "  a \t b\n\nc  ", []string{"a", "b", "c"}},
		{"git receive-pack", "git-receive-pack '/my-bot'", []string{"git-receive-pack", "/my-bot"}},
		{"git upload-pack no slash", "git-upload-pack 'my-bot'", []string{"git-upload-pack", "my-bot"}},
		{"single quotes are literal", `'a "b" \c $d'`, []string{`a "b" \c $d`}},
		{"botctl embedded quote", `'it'\''s'`, []string{"it's"}},
		{"empty single quotes", `a '' b`, []string{"a", "", "b"}},
		{"empty double quotes", `""`, []string{""}},
		{"adjacent parts join", `a'b'"c"d`, []string{"abcd"}},
		{"double quote escapes", `"a\"b\\c\$d\` + "`" + `e"`, []string{"a\"b\\c$d`e"}},
		{"double quote keeps other backslashes", `"a\nb\'c"`, []string{`a\nb\'c`}},
		{"double quote line continuation", "\"a\\\nb\"", []string{"ab"}},
		{"double quote keeps blanks", `"a  b"`, []string{"a  b"}},
		{"backslash escapes blank", `a\ b`, []string{"a b"}},
		{"backslash escapes quote", `\'a\"`, []string{`'a"`}},
		{"backslash escapes backslash", `a\\b`, []string{`a\b`}},
		{"backslash newline joins", "a\\\nb", []string{"ab"}},
		{"backslash newline alone is no word", "a \\\n b", []string{"a", "b"}},
		{"shell syntax is literal", `a;b|c && $(d) * > e`, []string{"a;b|c", "&&", "$(d)", "*", ">", "e"}},
		{"utf-8 passes through", "config:set a K='héllo wörld'", []string{"config:set", "a", "K=héllo wörld"}},
		{"equals in flag", `--confirm='my bot'`, []string{"--confirm=my bot"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Split(tt.raw)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSplitErrors(t *testing.T) {
	tests := []struct {
		name, raw, msg string
	}{
		{"unterminated single", "apps 'my-bot", "unterminated single quote"},
		{"unterminated double", `apps "my-bot`, "unterminated double quote"},
		{"unterminated double after escape", `"a\"`, "unterminated double quote"},
		{"trailing backslash", `apps\`, "command line ends with a backslash"},
		{"too long", strings.Repeat("a", MaxCommandLine+1), "command line too long (65537 bytes, at most 65536)"},
		{"too many words", strings.Repeat("a ", MaxWords+1), "too many words (at most 256)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Split(tt.raw)
			require.Error(t, err)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, ErrBadCommandLine)
			assert.Equal(t, tt.msg, hint.Of(err).Msg)
			assert.NotEmpty(t, hint.TipOf(err))
		})
	}
}

func TestSplitBoundsAreInclusive(t *testing.T) {
	words, err := Split(strings.Repeat("a ", MaxWords))
	require.NoError(t, err)
	assert.Len(t, words, MaxWords)

	words, err = Split(strings.Repeat("a", MaxCommandLine))
	require.NoError(t, err)
	assert.Len(t, words, 1)
}

func TestSplitRoundTripsBotctlQuoting(t *testing.T) {
	cases := [][]string{
		{"apps:destroy", "my-bot", "--confirm", "my-bot"},
		{"config:set", "my-bot", "TOKEN=12:ab'c\"d", "GREETING=hello world"},
		{"x", "", "''", `\`, `\'`, "$HOME", "`id`", "a\nb", "\t", "'"},
		{"unicode", "Привет, мир", "🤖"},
	}
	for _, words := range cases {
		got, err := Split(Join(words))
		require.NoError(t, err)
		assert.Equal(t, words, got)
	}
}
