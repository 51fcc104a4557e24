package bytesize

import (
	"context"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 1023: "1023 B", 1536: "2 KiB", 64 << 10: "64 KiB", 200 << 20: "200 MiB",
		1 << 30: "1.0 GiB", 3 << 30: "3.0 GiB",
	} {
		assert.Equal(t, want, Format(n), "%d", n)
	}
}

func TestReader(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		limit int64
		over  bool
	}{
		{"empty", "", 4, false},
		{"under", "abc", 4, false},
		{"exact", "abcd", 4, false},
		{"one over", "abcde", 4, true},
		{"far over", strings.Repeat("x", 1000), 4, true},
		{"zero limit, nothing", "", 0, false},
		{"zero limit, one byte", "x", 0, true},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tt.name
			var src io.Reader = strings.NewReader(tt.data)
			if oneByte {
				name += "/one byte reads"
				src = iotest.OneByteReader(src)
			}
			t.Run(name, func(t *testing.T) {
				lr := &Reader{R: src, N: tt.limit}
				got, err := io.ReadAll(lr)
				assert.Equal(t, tt.over, lr.Over)
				if tt.over {
					require.ErrorIs(t, err, ErrOverLimit)
					assert.Len(t, got, int(tt.limit))
					return
				}
				require.NoError(t, err)
				assert.Equal(t, tt.data, string(got))
			})
		}
	}
}

func TestReaderStopsWithCtx(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	lr := &Reader{Ctx: ctx, R: strings.NewReader("abcdef"), N: 100}
	buf := make([]byte, 2)
	n, err := lr.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "ab", string(buf[:n]))
	cancel()
	_, err = lr.Read(buf)
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, lr.Over)
}
