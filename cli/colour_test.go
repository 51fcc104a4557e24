package cli

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestColourWriterColoursWholeLines(t *testing.T) {
	var b bytes.Buffer
	cw := &colourWriter{w: &b}
	// Lines arrive in pieces, as they do through a pipe.
	for _, p := range []string{"-----> build", "ing v1\nplain line\nerr", "or: it broke\nhint: fix it\nno newline"} {
		_, err := cw.Write([]byte(p))
		assert.NoError(t, err)
	}
	assert.NoError(t, cw.Close())
	want := ansiBold + "-----> building v1" + ansiReset + "\n" +
		"plain line\n" +
		ansiRed + "error: it broke" + ansiReset + "\n" +
		ansiYellow + "hint: fix it" + ansiReset + "\n" +
		"no newline"
	assert.Equal(t, want, b.String())
}

func TestColourOffWhenNotATerminalOrAskedNot(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	var b bytes.Buffer
	assert.False(t, colourOn(&b, env(nil), false), "a buffer is no terminal")
	assert.False(t, colourOn(nil, env(nil), false))
	// A regular file is no terminal either.
	f, err := os.Create(t.TempDir() + "/out")
	assert.NoError(t, err)
	defer f.Close()
	assert.False(t, colourOn(f, env(nil), false))
	assert.False(t, colourOn(&b, env(map[string]string{"NO_COLOR": "1"}), false))
	assert.False(t, colourOn(&b, env(nil), true), "never with --json")
}
