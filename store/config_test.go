package store

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/secrets"
)

// openBoxed opens a store in a temp data dir with a key file beside it, the
// way gitd does, and returns the store and the data dir.
func openBoxed(t *testing.T) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	s := reopenBoxed(t, dir)
	return s, dir
}

func reopenBoxed(t *testing.T, dir string) *Store {
	t.Helper()
	box, err := secrets.LoadOrCreateKey(filepath.Join(dir, "secret.key"))
	require.NoError(t, err)
	s, err := OpenWithBox(filepath.Join(dir, "gitd.db"), box)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// token returns a valid, distinct bot token.
func token(i int) string {
	return fmt.Sprintf("%d:AAH%s", 100000000+i, strings.Repeat("x", 32))
}

// boxedWithApps opens a store with users alice, bob, carol and apps
// bob-bot (bob's) and carol-bot (carol's).
func boxedWithApps(t *testing.T) (*Store, string) {
	t.Helper()
	s, dir := openBoxed(t)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "bob-bot", Owner: "bob"}, 0))
	require.NoError(t, s.CreateApp(App{Name: "carol-bot", Owner: "carol"}, 0))
	return s, dir
}

func TestConfigRoundTrip(t *testing.T) {
	s, _ := boxedWithApps(t)
	got, err := s.Config("bob-bot")
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.NotNil(t, got)

	cfg, err := s.SetConfig("bob-bot", map[string]string{"DEBUG": "1", "PEM": "line1\nline2\n", "EMPTY": "", "_x": "ü"}, nil)
	require.NoError(t, err)
	want := map[string]string{"DEBUG": "1", "PEM": "line1\nline2\n", "EMPTY": "", "_x": "ü"}
	assert.Equal(t, want, cfg)
	got, err = s.Config("bob-bot")
	require.NoError(t, err)
	assert.Equal(t, want, got)

	other, err := s.Config("carol-bot")
	require.NoError(t, err)
	assert.Empty(t, other, "config is per app")

	_, err = s.Config("no-such-app")
	assert.True(t, errors.Is(err, ErrNotFound))
	_, err = s.SetConfig("no-such-app", map[string]string{"A": "1"}, nil)
	assert.True(t, errors.Is(err, ErrNotFound))
}

func TestUpdateConfigReportsChangeAndMissing(t *testing.T) {
	s, _ := boxedWithApps(t)
	up, err := s.UpdateConfig("bob-bot", map[string]string{"DEBUG": "1", "BOT_TOKEN": token(1)}, nil)
	require.NoError(t, err)
	assert.Equal(t, "set BOT_TOKEN, DEBUG", up.Change)
	assert.Empty(t, up.Missing)

	up, err = s.UpdateConfig("bob-bot", map[string]string{"DEBUG": "1"}, []string{"NOPE", "AAA", "NOPE"})
	require.NoError(t, err, "unsetting a missing name is not an error")
	assert.Equal(t, "", up.Change, "same value, nothing unset: no change")
	assert.Equal(t, []string{"AAA", "NOPE"}, up.Missing)

	up, err = s.UpdateConfig("bob-bot", map[string]string{"DEBUG": "2", "NEW": "n"}, []string{"BOT_TOKEN"})
	require.NoError(t, err)
	assert.Equal(t, "set DEBUG, NEW; unset BOT_TOKEN", up.Change)
	assert.Equal(t, map[string]string{"DEBUG": "2", "NEW": "n"}, up.Config)

	up, err = s.UpdateConfig("bob-bot", map[string]string{"NEW": "again"}, []string{"NEW", "DEBUG"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"NEW": "again"}, up.Config, "unset first, then set: set wins")
	assert.Equal(t, "set NEW; unset DEBUG", up.Change)
}

func TestConfigValidation(t *testing.T) {
	big := strings.Repeat("v", MaxConfigValue)
	tests := []struct {
		name  string
		set   map[string]string
		unset []string
		code  string
	}{
		{"plain", map[string]string{"A_1": "x"}, nil, ""},
		{"underscore first", map[string]string{"_A": "x"}, nil, ""},
		{"lower case", map[string]string{"debug": "x"}, nil, ""},
		{"value at limit", map[string]string{"BIG": big}, nil, ""},
		{"name at limit", map[string]string{strings.Repeat("N", names.MaxConfigName): "x"}, nil, ""},
		{"newline in value", map[string]string{"A": "a\nb"}, nil, ""},
		{"digit first", map[string]string{"1A": "x"}, nil, "INVALID_CONFIG_NAME"},
		{"dash", map[string]string{"A-B": "x"}, nil, "INVALID_CONFIG_NAME"},
		{"equals", map[string]string{"A=B": "x"}, nil, "INVALID_CONFIG_NAME"},
		{"space", map[string]string{"A B": "x"}, nil, "INVALID_CONFIG_NAME"},
		{"newline in name", map[string]string{"A\nB": "x"}, nil, "INVALID_CONFIG_NAME"},
		{"NUL in name", map[string]string{"A\x00": "x"}, nil, "INVALID_CONFIG_NAME"},
		{"non-ASCII name", map[string]string{"ÄPFEL": "x"}, nil, "INVALID_CONFIG_NAME"},
		{"empty name", map[string]string{"": "x"}, nil, "INVALID_CONFIG_NAME"},
		{"name too long", map[string]string{strings.Repeat("N", names.MaxConfigName+1): "x"}, nil, "INVALID_CONFIG_NAME"},
		{"bad unset name", nil, []string{"A=1"}, "INVALID_CONFIG_NAME"},
		{"NUL in value", map[string]string{"A": "a\x00b"}, nil, "INVALID_CONFIG_VALUE"},
		{"value too large", map[string]string{"BIG": big + "v"}, nil, "CONFIG_TOO_LARGE"},
		{"token ok", map[string]string{"BOT_TOKEN": "12345:" + strings.Repeat("a-_Z9", 6)}, nil, ""},
		{"token short id", map[string]string{"BOT_TOKEN": "1234:" + strings.Repeat("a", 35)}, nil, "INVALID_BOT_TOKEN"},
		{"token short secret", map[string]string{"BOT_TOKEN": "123456:" + strings.Repeat("a", 29)}, nil, "INVALID_BOT_TOKEN"},
		{"token no colon", map[string]string{"BOT_TOKEN": "123456" + strings.Repeat("a", 35)}, nil, "INVALID_BOT_TOKEN"},
		{"token bad char", map[string]string{"BOT_TOKEN": "123456:" + strings.Repeat("a", 35) + "!"}, nil, "INVALID_BOT_TOKEN"},
		{"token newline", map[string]string{"BOT_TOKEN": token(1) + "\n"}, nil, "INVALID_BOT_TOKEN"},
		{"token empty", map[string]string{"BOT_TOKEN": ""}, nil, "INVALID_BOT_TOKEN"},
		{"other case is no token", map[string]string{"bot_token": "anything"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := boxedWithApps(t)
			_, err := s.SetConfig("bob-bot", map[string]string{"KEEP": "1"}, nil)
			require.NoError(t, err)
			_, err = s.SetConfig("bob-bot", tt.set, tt.unset)
			got, cerr := s.Config("bob-bot")
			require.NoError(t, cerr)
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.code, hint.CodeOf(err))
			assert.NotEmpty(t, hint.TipOf(err))
			assert.Equal(t, map[string]string{"KEEP": "1"}, got, "a refused change changes nothing")
			for _, v := range tt.set {
				if len(v) > 3 {
					assert.NotContains(t, err.Error(), v, "errors never echo values")
				}
			}
		})
	}
}

func TestConfigNameHintQuotesRule(t *testing.T) {
	assert.Contains(t, hint.TipOf(names.ValidConfig("1A")), names.ConfigRule)
	assert.Equal(t, "a token looks like 123456789:AA…, from @BotFather", ErrInvalidBotToken.Tip)
}

func TestSetConfigIsAllOrNothing(t *testing.T) {
	s, _ := boxedWithApps(t)
	before := map[string]string{"KEEP": "1", "GONE": "2"}
	_, err := s.SetConfig("bob-bot", before, nil)
	require.NoError(t, err)
	_, err = s.SetConfig("carol-bot", map[string]string{"BOT_TOKEN": token(7)}, nil)
	require.NoError(t, err)

	changes := []struct {
		name  string
		set   map[string]string
		unset []string
		code  string
	}{
		{"one bad name among good ones", map[string]string{"GOOD": "x", "ALSO_GOOD": "y", "1BAD": "z"}, []string{"GONE"}, "INVALID_CONFIG_NAME"},
		{"token in use among good ones", map[string]string{"GOOD": "x", "BOT_TOKEN": token(7)}, []string{"GONE"}, "BOT_TOKEN_IN_USE"},
		{"total too large", map[string]string{"A": strings.Repeat("a", MaxConfigValue), "B": strings.Repeat("b", MaxConfigValue),
			"C": strings.Repeat("c", MaxConfigValue), "D": strings.Repeat("d", MaxConfigValue), "E": strings.Repeat("e", MaxConfigValue),
			"F": strings.Repeat("f", MaxConfigValue), "G": strings.Repeat("g", MaxConfigValue), "H": strings.Repeat("h", MaxConfigValue)}, []string{"GONE"}, "CONFIG_TOO_LARGE"},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.SetConfig("bob-bot", c.set, c.unset)
			assert.Equal(t, c.code, hint.CodeOf(err))
			got, err := s.Config("bob-bot")
			require.NoError(t, err)
			assert.Equal(t, before, got)
		})
	}
	// The refused token change must not have touched the index either.
	_, err = s.SetConfig("bob-bot", map[string]string{"BOT_TOKEN": token(8)}, nil)
	assert.NoError(t, err)
}

func TestConfigCountAndTotalLimits(t *testing.T) {
	s, _ := boxedWithApps(t)
	many := map[string]string{}
	for i := range MaxConfigVars {
		many[fmt.Sprintf("V%d", i)] = "x"
	}
	_, err := s.SetConfig("bob-bot", many, nil)
	require.NoError(t, err, "exactly the limit is fine")
	_, err = s.SetConfig("bob-bot", map[string]string{"ONE_MORE": "x"}, nil)
	assert.Equal(t, "CONFIG_TOO_LARGE", hint.CodeOf(err))
	_, err = s.SetConfig("bob-bot", map[string]string{"ONE_MORE": "x"}, []string{"V0"})
	assert.NoError(t, err, "swapping one for another stays within the limit")

	// Total: 7 full values fit (7*32 KiB + names < 256 KiB), an 8th does not.
	big := map[string]string{}
	for i := range 7 {
		big[fmt.Sprintf("B%d", i)] = strings.Repeat("b", MaxConfigValue)
	}
	_, err = s.SetConfig("carol-bot", big, nil)
	require.NoError(t, err)
	_, err = s.SetConfig("carol-bot", map[string]string{"B7": strings.Repeat("b", MaxConfigValue)}, nil)
	assert.Equal(t, "CONFIG_TOO_LARGE", hint.CodeOf(err))
	got, err := s.Config("carol-bot")
	require.NoError(t, err)
	assert.True(t, maps.Equal(big, got))
}

func TestDiffConfig(t *testing.T) {
	set, unset := DiffConfig(
		map[string]string{"SAME": "1", "CHANGED": "old", "GONE": "x"},
		map[string]string{"SAME": "1", "CHANGED": "new", "NEW": "", "EMPTY_TOO": ""})
	assert.Equal(t, map[string]string{"CHANGED": "new", "NEW": "", "EMPTY_TOO": ""}, set,
		"a var missing from cur is set even to an empty value")
	assert.Equal(t, []string{"GONE"}, unset)
	set, unset = DiffConfig(map[string]string{"A": "1"}, map[string]string{"A": "1"})
	assert.Empty(t, set)
	assert.Empty(t, unset)
}
