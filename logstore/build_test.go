package logstore

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func TestBuildLogBounded(t *testing.T) {
	const max = 1024
	lines := func(n int) []byte {
		var b bytes.Buffer
		for i := range n {
			fmt.Fprintf(&b, "step %04d\n", i)
		}
		return b.Bytes()
	}
	tests := []struct {
		name string
		log  []byte
		cut  bool
	}{
		{"empty", []byte{}, false},
		{"small", []byte("Step 1/3 : FROM python\n"), false},
		{"exactly max", bytes.Repeat([]byte("x"), max), false},
		{"many lines", lines(1000), true},
		{"one huge line", bytes.Repeat([]byte("y"), 10*max), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openStore(t, Options{MaxBuildLog: max})
			require.NoError(t, s.SaveBuild("my-bot", 1, tt.log))
			got, err := s.Build("my-bot", 1)
			require.NoError(t, err)
			assert.LessOrEqual(t, len(got), max)
			if !tt.cut {
				assert.Equal(t, string(tt.log), string(got))
				return
			}
			first, rest, _ := bytes.Cut(got, []byte("\n"))
			var n int
			_, err = fmt.Sscanf(string(first), "… [%d bytes of build output cut]", &n)
			require.NoError(t, err, string(first))
			assert.Equal(t, string(tt.log[n:]), string(rest), "the tail is kept and the marker counts the cut")
			if bytes.Contains(tt.log, []byte("\n")) {
				assert.Equal(t, byte('\n'), tt.log[n-1], "cut at a line start")
			}
		})
	}
}

func TestBuildLogsKeepNewest(t *testing.T) {
	s, dir := openStore(t, Options{MaxBuildLogs: 3})
	_, _, err := s.LastBuild("my-bot")
	require.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, "BUILD_LOG_NOT_FOUND", hint.CodeOf(err))
	assert.NotEmpty(t, hint.TipOf(err))

	for _, rel := range []int{2, 1, 5, 3, 4, 10, 7} {
		require.NoError(t, s.SaveBuild("my-bot", rel, []byte(fmt.Sprintf("build of v%d\n", rel))))
	}
	rel, log, err := s.LastBuild("my-bot")
	require.NoError(t, err)
	assert.Equal(t, 10, rel)
	assert.Equal(t, "build of v10\n", string(log))

	tests := []struct {
		rel  int
		kept bool
	}{{1, false}, {4, false}, {5, true}, {7, true}, {10, true}, {0, false}, {11, false}}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("v%d", tt.rel), func(t *testing.T) {
			log, err := s.Build("my-bot", tt.rel)
			if !tt.kept {
				require.ErrorIs(t, err, ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("build of v%d\n", tt.rel), string(log))
		})
	}
	entries, err := os.ReadDir(filepath.Join(dir, "my-bot", buildsDir))
	require.NoError(t, err)
	assert.Len(t, entries, 3, "no temp files left")

	require.NoError(t, s.SaveBuild("my-bot", 10, []byte("rebuilt\n")))
	_, log, err = s.LastBuild("my-bot")
	require.NoError(t, err)
	assert.Equal(t, "rebuilt\n", string(log), "a release's log is replaced")
	require.ErrorIs(t, s.SaveBuild("my-bot", 0, nil), ErrBadRelease)
}

func TestBuildLogsPerApp(t *testing.T) {
	s, _ := openStore(t, Options{})
	require.NoError(t, s.SaveBuild("app-one", 1, []byte("one")))
	require.NoError(t, s.SaveBuild("app-two", 4, []byte("two")))
	_, err := s.Build("app-one", 4)
	require.ErrorIs(t, err, ErrNotFound)
	assert.True(t, strings.Contains(err.Error(), "app-one v4"), err.Error())
	rel, log, err := s.LastBuild("app-two")
	require.NoError(t, err)
	assert.Equal(t, 4, rel)
	assert.Equal(t, "two", string(log))
}
