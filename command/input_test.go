package command

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadBounded(t *testing.T) {
	data, err := readBounded(context.Background(), strings.NewReader("abc"), 3)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(data))

	_, err = readBounded(context.Background(), strings.NewReader("abcd"), 3)
	assert.ErrorIs(t, err, ErrBadInput)
}

// A client that never closes stdin must not hold the command past its
// connection.
func TestReadBoundedGivesUpWithContext(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := readBounded(ctx, pr, 10)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}
