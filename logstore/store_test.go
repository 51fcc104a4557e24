package logstore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func openStore(t testing.TB, o Options) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "logs")
	s, err := Open(dir, o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s, dir
}

// appendN appends lines "line 0".."line n-1", one second apart from t0.
func appendN(t testing.TB, s *Store, app string, n int) {
	t.Helper()
	for i := range n {
		l := Line{Time: t0.Add(time.Duration(i) * time.Second), Release: 1, Stream: StreamStdout, Text: fmt.Sprintf("line %d", i)}
		require.NoError(t, s.Append(app, l))
	}
}

func texts(lines []Line) []string {
	out := []string{}
	for _, l := range lines {
		out = append(out, l.Text)
	}
	return out
}

func TestTail(t *testing.T) {
	s, _ := openStore(t, Options{})
	appendN(t, s, "my-bot", 5)
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"all", Query{}, []string{"line 0", "line 1", "line 2", "line 3", "line 4"}},
		{"last two", Query{N: 2}, []string{"line 3", "line 4"}},
		{"more than kept", Query{N: 100}, []string{"line 0", "line 1", "line 2", "line 3", "line 4"}},
		{"none", Query{N: -1}, []string{}},
		{"since", Query{Since: t0.Add(3 * time.Second)}, []string{"line 3", "line 4"}},
		{"since and n", Query{N: 1, Since: t0.Add(2 * time.Second)}, []string{"line 4"}},
		{"since after all", Query{Since: t0.Add(time.Hour)}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Tail("my-bot", tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, texts(got))
		})
	}
}

func TestTailUnknownAppIsEmpty(t *testing.T) {
	s, dir := openStore(t, Options{})
	got, err := s.Tail("no-logs", Query{})
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.NoDirExists(t, filepath.Join(dir, "no-logs"), "reading must not create the app's dir")
}

func TestAppendNormalizes(t *testing.T) {
	tests := []struct {
		name    string
		in      Line
		want    Line
		wantErr error
	}{
		{"defaults", Line{Text: "hi\r\n"}, Line{Stream: StreamStdout, Text: "hi"}, nil},
		{"kept", Line{Time: t0, Release: 3, Stream: StreamStderr, Text: "oops"}, Line{Time: t0, Release: 3, Stream: StreamStderr, Text: "oops"}, nil},
		{"local time to UTC", Line{Time: t0.In(time.FixedZone("X", 3600)), Stream: StreamGitd, Text: "x"}, Line{Time: t0, Stream: StreamGitd, Text: "x"}, nil},
		{"unknown stream", Line{Stream: "stdin", Text: "x"}, Line{}, ErrBadLine},
		{"negative release", Line{Release: -1, Text: "x"}, Line{}, ErrBadLine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openStore(t, Options{})
			err := s.Append("my-bot", tt.in)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			got, err := s.Tail("my-bot", Query{})
			require.NoError(t, err)
			require.Len(t, got, 1)
			if tt.want.Time.IsZero() {
				assert.WithinDuration(t, time.Now(), got[0].Time, time.Minute)
				tt.want.Time = got[0].Time
			}
			assert.Equal(t, tt.want, got[0])
		})
	}
}

func TestLongLinesCut(t *testing.T) {
	tests := []struct {
		name string
		text string
		cut  bool
	}{
		{"fits", strings.Repeat("a", 100), false},
		{"one over", strings.Repeat("a", 101), true},
		{"huge", strings.Repeat("b", 1<<20), true},
		{"multibyte", strings.Repeat("é", 300), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openStore(t, Options{MaxLine: 100})
			require.NoError(t, s.Append("my-bot", Line{Text: tt.text}))
			got, err := s.Tail("my-bot", Query{})
			require.NoError(t, err)
			require.Len(t, got, 1)
			text := got[0].Text
			assert.LessOrEqual(t, len(text), 100)
			assert.True(t, strings.HasPrefix(tt.text, strings.Split(text, "…")[0]), "a prefix is kept, at a rune boundary")
			if !tt.cut {
				assert.Equal(t, tt.text, text)
				return
			}
			kept := len(strings.Split(text, "… [")[0])
			assert.Contains(t, text, fmt.Sprintf("… [%d bytes cut]", len(tt.text)-kept))
		})
	}
}

func TestCapDropsOldestFirst(t *testing.T) {
	const capBytes = 8 << 10
	s, dir := openStore(t, Options{MaxBytesPerApp: capBytes, MaxLine: 128})
	for i := range 2000 {
		require.NoError(t, s.Append("my-bot", Line{Time: t0, Text: fmt.Sprintf("line %04d %s", i, strings.Repeat("x", i%50))}))
		if i%97 == 0 {
			assert.LessOrEqual(t, diskSize(t, dir, "my-bot"), int64(capBytes), "after line %d", i)
		}
	}
	assert.LessOrEqual(t, diskSize(t, dir, "my-bot"), int64(capBytes))
	size, err := s.Size("my-bot")
	require.NoError(t, err)
	assert.Equal(t, diskSize(t, dir, "my-bot"), size)
	assert.Greater(t, size, int64(capBytes/2), "at most a quarter plus the active segment is ever missing")

	got, err := s.Tail("my-bot", Query{})
	require.NoError(t, err)
	require.NotEmpty(t, got)
	assert.True(t, strings.HasPrefix(got[len(got)-1].Text, "line 1999"), "the newest is kept")
	for i := 1; i < len(got); i++ {
		require.Less(t, got[i-1].Text[:9], got[i].Text[:9], "kept lines are a contiguous newest run, in order")
	}
	first := 0
	_, _ = fmt.Sscanf(got[0].Text, "line %d", &first)
	assert.Equal(t, 2000-len(got), first, "only the oldest were dropped")
}

func diskSize(t testing.TB, dir, app string) int64 {
	t.Helper()
	var n int64
	entries, err := os.ReadDir(filepath.Join(dir, app))
	require.NoError(t, err)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), segExt) {
			info, err := e.Info()
			require.NoError(t, err)
			n += info.Size()
		}
	}
	return n
}

func TestManyApps(t *testing.T) {
	s, _ := openStore(t, Options{MaxBytesPerApp: 16 << 10, MaxLine: 128})
	apps := []string{"app-one", "app-two", "app-three", "app-four", "app-five", "app-six"}
	var wg sync.WaitGroup
	for _, app := range apps {
		for w := range 3 {
			wg.Go(func() {
				for i := range 200 {
					assert.NoError(t, s.Append(app, Line{Text: fmt.Sprintf("%s w%d %d", app, w, i)}))
					if i%50 == 0 {
						_, err := s.Tail(app, Query{N: 10})
						assert.NoError(t, err)
					}
				}
			})
		}
	}
	wg.Wait()
	for _, app := range apps {
		got, err := s.Tail(app, Query{N: 5})
		require.NoError(t, err)
		require.Len(t, got, 5)
		for _, l := range got {
			assert.True(t, strings.HasPrefix(l.Text, app+" "), "no line of another app: %q", l.Text)
		}
	}
}

func TestTailAcrossChunks(t *testing.T) {
	s, _ := openStore(t, Options{MaxLine: 200 << 10})
	var want []string
	for i := range 3000 {
		text := fmt.Sprintf("%d %s", i, strings.Repeat("é", i%300))
		if i == 1500 {
			text = strings.Repeat("L", 150<<10) // longer than a read chunk
		}
		want = append(want, text)
		require.NoError(t, s.Append("my-bot", Line{Time: t0, Text: text}))
	}
	for _, n := range []int{0, 1, 1499, 1500, 1501, 3000} {
		got, err := s.Tail("my-bot", Query{N: n})
		require.NoError(t, err)
		w := want
		if n > 0 {
			w = want[len(want)-n:]
		}
		require.Equal(t, w, texts(got), "N=%d", n)
	}
}
