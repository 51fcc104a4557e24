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

	"github.com/botrunner/botrunner/hint"
)

func TestReopenKeepsLines(t *testing.T) {
	s, dir := openStore(t, Options{MaxBytesPerApp: 8 << 10, MaxLine: 128})
	appendN(t, s, "my-bot", 300)
	before, err := s.Tail("my-bot", Query{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = s.Tail("my-bot", Query{})
	require.ErrorIs(t, err, ErrClosed)

	s2, err := Open(dir, Options{MaxBytesPerApp: 8 << 10, MaxLine: 128})
	require.NoError(t, err)
	defer s2.Close()
	after, err := s2.Tail("my-bot", Query{})
	require.NoError(t, err)
	assert.Equal(t, before, after)

	require.NoError(t, s2.Append("my-bot", Line{Time: t0.Add(time.Hour), Text: "after restart"}))
	got, err := s2.Tail("my-bot", Query{N: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"line 299", "after restart"}, texts(got))
	assert.LessOrEqual(t, diskSize(t, dir, "my-bot"), int64(8<<10))
}

func TestReopenCutsTornLine(t *testing.T) {
	s, dir := openStore(t, Options{})
	appendN(t, s, "my-bot", 3)
	require.NoError(t, s.Close())
	f, err := os.OpenFile(segPath(filepath.Join(dir, "my-bot"), 1), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"t":"2025-03-01T12:00:09Z","r":1,"s":"std`) // a crash mid-write
	require.NoError(t, err)
	require.NoError(t, f.Close())

	s2, err := Open(dir, Options{})
	require.NoError(t, err)
	defer s2.Close()
	require.NoError(t, s2.Append("my-bot", Line{Time: t0.Add(time.Hour), Text: "next"}))
	got, err := s2.Tail("my-bot", Query{})
	require.NoError(t, err)
	assert.Equal(t, []string{"line 0", "line 1", "line 2", "next"}, texts(got))
}

func TestDelete(t *testing.T) {
	s, dir := openStore(t, Options{})
	appendN(t, s, "my-bot", 3)
	appendN(t, s, "other-bot", 3)
	require.NoError(t, s.SaveBuild("my-bot", 1, []byte("built")))

	require.NoError(t, s.Delete("my-bot"))
	assert.NoDirExists(t, filepath.Join(dir, "my-bot"))
	got, err := s.Tail("my-bot", Query{})
	require.NoError(t, err)
	assert.Empty(t, got)
	_, _, err = s.LastBuild("my-bot")
	require.ErrorIs(t, err, ErrNotFound)
	got, err = s.Tail("other-bot", Query{})
	require.NoError(t, err)
	assert.Len(t, got, 3, "other apps keep their logs")

	require.NoError(t, s.Delete("never-logged"), "deleting nothing is fine")
	require.NoError(t, s.Append("my-bot", Line{Text: "new life"}))
	got, err = s.Tail("my-bot", Query{})
	require.NoError(t, err)
	assert.Equal(t, []string{"new life"}, texts(got))
}

func TestInvalidAppNamesRefused(t *testing.T) {
	s, dir := openStore(t, Options{})
	for _, name := range []string{"", "..", "../etc", "a/b", "UPPER", "x", "-bot", "bot-", "my_bot", strings.Repeat("a", 41)} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			calls := map[string]error{
				"append": s.Append(name, Line{Text: "x"}),
				"save":   s.SaveBuild(name, 1, []byte("x")),
				"delete": s.Delete(name),
			}
			_, calls["tail"] = s.Tail(name, Query{})
			_, calls["follow"] = s.Follow(t.Context(), name, Query{})
			_, calls["build"] = s.Build(name, 1)
			_, _, calls["last"] = s.LastBuild(name)
			_, calls["size"] = s.Size(name)
			for call, err := range calls {
				require.ErrorIs(t, err, ErrInvalidApp, call)
				assert.Equal(t, "INVALID_APP_NAME", hint.CodeOf(err), call)
			}
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
	_, err = os.Stat(filepath.Join(filepath.Dir(dir), "etc"))
	assert.True(t, os.IsNotExist(err))
}

func TestOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "logs")
	s, err := Open(dir, Options{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice is fine")
	require.ErrorIs(t, s.Append("my-bot", Line{Text: "x"}), ErrClosed)
	_, err = s.Follow(t.Context(), "my-bot", Query{})
	require.ErrorIs(t, err, ErrClosed)
	info, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm())

	for _, o := range []Options{{MaxLine: 10}, {MaxBytesPerApp: 1000}, {MaxBuildLog: 10}} {
		_, err := Open(dir, o)
		assert.ErrorIs(t, err, ErrBadOptions, "%+v", o)
	}
}

func TestDeleteWhileBusy(t *testing.T) {
	s, _ := openStore(t, Options{MaxBytesPerApp: 8 << 10, MaxLine: 128})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				assert.NoError(t, s.Append("my-bot", Line{Text: fmt.Sprintf("w%d %d", w, i)}))
				_, err := s.Tail("my-bot", Query{N: 5})
				assert.NoError(t, err)
				if i%10 == 0 {
					assert.NoError(t, s.SaveBuild("my-bot", i/10+1, []byte("log")))
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			ch, err := s.Follow(t.Context(), "my-bot", Query{N: 1})
			if !assert.NoError(t, err) {
				return
			}
			assert.NoError(t, s.Delete("my-bot"))
			for range ch { // ends: the app was deleted
			}
		}
	})
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	require.NoError(t, s.Append("my-bot", Line{Text: "still works"}))
	got, err := s.Tail("my-bot", Query{N: 1})
	require.NoError(t, err)
	assert.Equal(t, []string{"still works"}, texts(got))
}
