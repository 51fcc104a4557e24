package secrets

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newBox(t *testing.T) *Box {
	t.Helper()
	key := make([]byte, KeySize)
	_, _ = rand.Read(key)
	b, err := New(key)
	require.NoError(t, err)
	return b
}

func TestSealOpenRoundTrip(t *testing.T) {
	b := newBox(t)
	for _, plain := range [][]byte{nil, []byte("x"), []byte("123456789:AAbbccddeeffgghhiijjkkllmmnnooppqq"), bytes.Repeat([]byte{0, 1, 2}, 20000)} {
		sealed, err := b.Seal(plain)
		require.NoError(t, err)
		assert.Equal(t, version1, sealed[0], "version byte first")
		if len(plain) > 3 {
			assert.False(t, bytes.Contains(sealed, plain), "plaintext must not show")
		}
		got, err := b.Open(sealed)
		require.NoError(t, err)
		assert.Equal(t, len(plain), len(got))
		assert.True(t, bytes.Equal(plain, got))
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	b := newBox(t)
	s1, err := b.Seal([]byte("same"))
	require.NoError(t, err)
	s2, err := b.Seal([]byte("same"))
	require.NoError(t, err)
	assert.NotEqual(t, s1, s2)
	assert.Len(t, s1, 1+12+len("same")+16)
}

func TestOpenRejects(t *testing.T) {
	b := newBox(t)
	sealed, err := b.Seal([]byte("secret value"))
	require.NoError(t, err)
	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 1
		return c
	}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrOpen},
		{"version only", sealed[:1], ErrOpen},
		{"cut", sealed[:len(sealed)-1], ErrOpen},
		{"nonce changed", flip(3), ErrOpen},
		{"ciphertext changed", flip(14), ErrOpen},
		{"tag changed", flip(len(sealed) - 1), ErrOpen},
		{"unknown version", append([]byte{9}, sealed[1:]...), ErrVersion},
		{"version rewritten", append([]byte{0}, sealed[1:]...), ErrVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.Open(tt.in)
			assert.True(t, errors.Is(err, tt.want), "got %v", err)
		})
	}
	_, err = newBox(t).Open(sealed)
	assert.ErrorIs(t, err, ErrOpen, "another key must not open it")
}

func TestMAC(t *testing.T) {
	b := newBox(t)
	m1 := b.MAC("token", []byte("abc"))
	assert.Len(t, m1, 32)
	assert.Equal(t, m1, b.MAC("token", []byte("abc")), "stable")
	assert.NotEqual(t, m1, b.MAC("other", []byte("abc")), "labels separate")
	assert.NotEqual(t, m1, b.MAC("tok", []byte("enabc")), "label and data do not run together")
	assert.NotEqual(t, m1, newBox(t).MAC("token", []byte("abc")), "keyed")
}

func TestNewRejectsShortKey(t *testing.T) {
	_, err := New(make([]byte, 16))
	assert.Error(t, err)
}
