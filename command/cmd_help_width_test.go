package command

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// `help` fits a 100-column terminal, for admins (who see every command) too.
func TestHelpFits100Columns(t *testing.T) {
	w := newWorld(t)
	out := w.ok("root", "", "help")
	assert.Contains(t, out, "config:set")
	for _, line := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(line), 100, "%q", line)
	}
}

func TestWrapWords(t *testing.T) {
	assert.Equal(t, []string{"a bb", "ccc", "dddddd"}, wrapWords("a bb ccc dddddd", 4))
	assert.Equal(t, []string{""}, wrapWords("", 10))
}
