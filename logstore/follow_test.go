package logstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// next reads one line or fails after a while.
func next(t *testing.T, ch <-chan Line) Line {
	t.Helper()
	select {
	case l, ok := <-ch:
		require.True(t, ok, "channel closed early")
		return l
	case <-time.After(5 * time.Second):
		t.Fatal("no line within 5s")
		return Line{}
	}
}

// closed waits for the channel to close, draining it.
func closed(t *testing.T, ch <-chan Line) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("channel not closed within 5s")
		}
	}
}

func TestFollow(t *testing.T) {
	tests := []struct {
		name string
		q    Query
		past []string
	}{
		{"last two, then new", Query{N: 2}, []string{"line 1", "line 2"}},
		{"all, then new", Query{}, []string{"line 0", "line 1", "line 2"}},
		{"new only", Query{N: -1}, nil},
		{"since, then new", Query{Since: t0.Add(2 * time.Second)}, []string{"line 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openStore(t, Options{})
			appendN(t, s, "my-bot", 3)
			ctx, cancel := context.WithCancel(t.Context())
			ch, err := s.Follow(ctx, "my-bot", tt.q)
			require.NoError(t, err)
			for _, want := range tt.past {
				assert.Equal(t, want, next(t, ch).Text)
			}
			for i := range 3 {
				require.NoError(t, s.Append("my-bot", Line{Release: 2, Text: fmt.Sprintf("new %d", i)}))
				l := next(t, ch)
				assert.Equal(t, fmt.Sprintf("new %d", i), l.Text)
				assert.Equal(t, 2, l.Release)
			}
			cancel()
			closed(t, ch)
			require.NoError(t, s.Append("my-bot", Line{Text: "after cancel"}), "a gone follower does not matter")
		})
	}
}

func TestFollowNoGapNoRepeat(t *testing.T) {
	s, _ := openStore(t, Options{FollowBuffer: 4096})
	const total = 2000
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range total {
			assert.NoError(t, s.Append("my-bot", Line{Text: fmt.Sprintf("%d", i)}))
		}
	}()
	time.Sleep(time.Millisecond) // follow while appends run
	ch, err := s.Follow(t.Context(), "my-bot", Query{})
	require.NoError(t, err)
	for i := range total {
		require.Equal(t, fmt.Sprintf("%d", i), next(t, ch).Text)
	}
	<-done
}

func TestFollowEnds(t *testing.T) {
	tests := []struct {
		name string
		end  func(s *Store) error
	}{
		{"delete", func(s *Store) error { return s.Delete("my-bot") }},
		{"close", func(s *Store) error { return s.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openStore(t, Options{})
			ch, err := s.Follow(t.Context(), "my-bot", Query{})
			require.NoError(t, err)
			require.NoError(t, s.Append("my-bot", Line{Text: "last words"}))
			require.NoError(t, tt.end(s))
			assert.Equal(t, "last words", next(t, ch).Text, "queued lines are still delivered")
			closed(t, ch)
		})
	}
}

func TestSlowFollowerDoesNotBlockAppend(t *testing.T) {
	s, _ := openStore(t, Options{FollowBuffer: 10})
	slow, err := s.Follow(t.Context(), "my-bot", Query{N: -1}) // not read until the end
	require.NoError(t, err)
	fast, err := s.Follow(t.Context(), "my-bot", Query{N: -1})
	require.NoError(t, err)
	var fastGot []Line
	var wg sync.WaitGroup
	wg.Go(func() { fastGot = readAccounted(t, fast, 1000) })

	finished := make(chan struct{})
	go func() {
		defer close(finished)
		appendN(t, s, "my-bot", 1000)
	}()
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		t.Fatal("Append blocked on a follower that does not read")
	}
	wg.Wait()
	assertAccounted(t, fastGot, 1000)

	got := readAccounted(t, slow, 1000)
	assertAccounted(t, got, 1000)
	assert.Contains(t, got[len(got)-1].Text, "lines dropped (slow reader)")
	require.NoError(t, s.Append("my-bot", Line{Text: "caught up"}))
	assert.Equal(t, "caught up", next(t, slow).Text, "after the marker, lines flow again")
}

// readAccounted reads until n lines were delivered or counted as dropped.
func readAccounted(t *testing.T, ch <-chan Line, n int) []Line {
	var got []Line
	for seen := 0; seen < n; {
		l := next(t, ch)
		got = append(got, l)
		seen += lineCount(t, l)
	}
	return got
}

// lineCount is 1 for a line, or the count of a dropped-lines marker.
func lineCount(t *testing.T, l Line) int {
	var dropped int
	if _, err := fmt.Sscanf(l.Text, "… %d lines dropped (slow reader)", &dropped); err == nil {
		assert.Equal(t, StreamGitd, l.Stream)
		return dropped
	}
	return 1
}

// assertAccounted checks that each of n lines was delivered in order or
// counted by a marker in its place.
func assertAccounted(t *testing.T, got []Line, n int) {
	t.Helper()
	seen, last := 0, -1
	for _, l := range got {
		if c := lineCount(t, l); c != 1 || !strings.HasPrefix(l.Text, "line ") {
			seen += c
			continue
		}
		var i int
		_, err := fmt.Sscanf(l.Text, "line %d", &i)
		require.NoError(t, err, l.Text)
		require.Greater(t, i, last, "in order")
		last = i
		seen++
	}
	assert.Equal(t, n, seen, "every line is delivered or counted as dropped")
}
