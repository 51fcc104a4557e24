package logstore

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		secrets []string
		want    string
	}{
		{"none", "hello", nil, "hello"},
		{"token", "using " + token + " now", []string{token}, "using [redacted] now"},
		{"twice", "a=s3cret b=s3cret", []string{"s3cret"}, "a=[redacted] b=[redacted]"},
		{"short secrets ignored", "debug=1 on", []string{"1", "on", ""}, "debug=1 on"},
		{"exactly four", "pin=4242", []string{"4242"}, "pin=[redacted]"},
		{"longest first", "k=abcdefgh", []string{"abcd", "abcdefgh"}, "k=[redacted]"},
		{"overlapping secrets hidden as one", "abcdefgh", []string{"abcd", "bcdefgh"}, "[redacted]"},
		{"touching", "aaaabbbb", []string{"aaaa", "bbbb"}, "[redacted]"},
		{"repeated chars", "xaaaaaax", []string{"aaaa"}, "x[redacted]x"},
		{"secret inside marker", "dact and [redacted]", []string{"dact"}, "[redacted] and [re[redacted]ed]"},
		{"multi-line secret", "key:\nLINE-ONE\nLINE-TWO\n", []string{"LINE-ONE\nLINE-TWO"}, "key:\n[redacted]\n"},
		{"multi-line secret, one line shown", "only LINE-TWO here", []string{"LINE-ONE\nLINE-TWO"}, "only [redacted] here"},
		{"unicode", "пароль=секрет!", []string{"секрет"}, "пароль=[redacted]!"},
		{"duplicates", "s3cret", []string{"s3cret", "s3cret"}, "[redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Redact(tt.text, tt.secrets))
		})
	}
}

func TestRedactorSplitWrites(t *testing.T) {
	secrets := []string{token, "hunter22"}
	input := "Step 1/3\nBOT_TOKEN=" + token + "\npassword hunter22 and " + token + "\r\nno newline at end hunter22"
	want := Redact(input, secrets)
	require.NotContains(t, want, "hunter22")
	for _, size := range []int{1, 2, 3, 5, 7, 13, 64, len(input)} {
		var out bytes.Buffer
		r := NewRedactor(&out, secrets)
		for i := 0; i < len(input); i += size {
			n, err := r.Write([]byte(input[i:min(i+size, len(input))]))
			require.NoError(t, err)
			require.Equal(t, min(size, len(input)-i), n)
			assert.NotContains(t, out.String(), "hunter2", "size %d: nothing of a secret leaks before its line ends", size)
		}
		require.NoError(t, r.Close())
		assert.Equal(t, want, out.String(), "chunk size %d", size)
	}
}

func TestRedactorPassesLinesOn(t *testing.T) {
	var out bytes.Buffer
	r := NewRedactor(&out, []string{"s3cret"})
	_, err := r.Write([]byte("done: s3cret\npartial"))
	require.NoError(t, err)
	assert.Equal(t, "done: [redacted]\n", out.String(), "complete lines go out at once, the rest waits")
	require.NoError(t, r.Flush())
	assert.Equal(t, "done: [redacted]\npartial", out.String())
}

func TestRedactorLongLineWithoutEnd(t *testing.T) {
	var out bytes.Buffer
	r := NewRedactor(&out, []string{token})
	// A progress bar that never ends its line, with the secret across the
	// points where the held bytes must be passed on.
	chunk := strings.Repeat("#", 1000) + token
	var in strings.Builder
	for range 200 {
		in.WriteString(chunk)
		_, err := r.Write([]byte(chunk))
		require.NoError(t, err)
	}
	assert.Less(t, len(r.buf), redactorHold+len(chunk), "what is held stays bounded")
	assert.NotEmpty(t, out.String())
	require.NoError(t, r.Close())
	assert.NotContains(t, out.String(), token[:10])
	assert.Equal(t, Redact(in.String(), []string{token}), out.String())
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("pipe closed") }

func TestRedactorWriteError(t *testing.T) {
	r := NewRedactor(failWriter{}, nil)
	_, err := r.Write([]byte("line\n"))
	require.Error(t, err)
	_, err = r.Write([]byte("more\n"))
	require.Error(t, err, "the error sticks")
	require.Error(t, r.Close())
}

func TestRedactorConcurrent(t *testing.T) {
	var out bytes.Buffer
	r := NewRedactor(&out, []string{"s3cret"})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				_, err := r.Write([]byte("x s3cret y\n"))
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.NoError(t, r.Close())
	assert.Equal(t, strings.Repeat("x [redacted] y\n", 400), out.String())
}
