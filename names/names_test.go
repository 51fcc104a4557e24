package names

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/botrunner/botrunner/hint"
)

func TestValidApp(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"my-bot", true},
		{"abc", true},
		{"a1b", true},
		{"a" + strings.Repeat("b", 39), true},
		{"a" + strings.Repeat("b", 40), false},
		{"ab", false},
		{"", false},
		{"1bot", false},
		{"-bot", false},
		{"bot-", false},
		{"My-bot", false},
		{"my_bot", false},
		{"my.bot", false},
		{"../etc", false},
		{"my-bot\n", false},
		{"ünï", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidApp(tt.name)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrInvalidApp)
			assert.Equal(t, "INVALID_APP_NAME", hint.CodeOf(err))
			assert.Contains(t, hint.TipOf(err), AppRule)
		})
	}
}

func TestValidUser(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"a", true},
		{"bob", true},
		{"bob-2", true},
		{"a" + strings.Repeat("b", 31), true},
		{"a" + strings.Repeat("b", 32), false},
		{"", false},
		{"Bob", false},
		{"bob-", false},
		{"2bob", false},
		{"b o", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidUser(tt.name)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, "INVALID_USER_NAME", hint.CodeOf(err))
			assert.Contains(t, hint.TipOf(err), UserRule)
		})
	}
}

func TestInvalidNameEchoIsBoundedAndEscaped(t *testing.T) {
	bad := "\x1b[31mred" + strings.Repeat("x", 10000) + "\n"
	msg := ValidApp(bad).Error()
	assert.Less(t, len(msg), 120)
	assert.NotContains(t, msg, "\x1b")
	assert.NotContains(t, msg, "\n")
	assert.Contains(t, msg, `\x1b[31mred`)
	assert.Equal(t, "app name missing", ValidApp("").Error())
}

func TestCount(t *testing.T) {
	assert.Equal(t, "1 file", Count(1, "file"))
	assert.Equal(t, "0 files", Count(0, "file"))
	assert.Equal(t, "12 files", Count(12, "file"))
}
