package botwatch

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/notify"
	"github.com/botrunner/botrunner/telegram"
)

type heard struct {
	mu sync.Mutex
	ev []notify.Event
}

func (h *heard) Notify(e notify.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ev = append(h.ev, e)
}

type nopSink struct{ lines []logstore.Line }

func (s *nopSink) Append(_ string, l logstore.Line) error { s.lines = append(s.lines, l); return nil }
func (s *nopSink) Tail(string, logstore.Query) ([]logstore.Line, error) {
	return s.lines, nil
}
func (s *nopSink) SaveBuild(string, int, []byte) error { return nil }
func (s *nopSink) Delete(string) error                 { return nil }

const conflictLine = "telegram.error.Conflict: Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"

func TestConflictFromOutput(t *testing.T) {
	h := &heard{}
	w := New(nil, nil, h, nil, "", nil)
	clock := time.Unix(1000, 0)
	w.now = func() time.Time { return clock }
	next := &nopSink{}
	s := w.Sink(next)

	require.NoError(t, s.Append("a-bot", logstore.Line{Release: 2, Stream: logstore.StreamStdout, Text: "polling"}))
	_, ok := w.ConflictOf("a-bot")
	assert.False(t, ok)
	for i := 0; i < 3; i++ { // frameworks retry: one notice for the run of them
		require.NoError(t, s.Append("a-bot", logstore.Line{Release: 2, Stream: logstore.StreamStderr, Text: conflictLine}))
	}
	// gitd's own lines are not the bot's output.
	require.NoError(t, s.Append("b-bot", logstore.Line{Stream: logstore.StreamGitd, Text: conflictLine}))
	assert.Len(t, next.lines, 5, "every line still reaches the log")

	c, ok := w.ConflictOf("a-bot")
	require.True(t, ok)
	assert.Equal(t, telegram.OtherPoller, c.Kind)
	assert.Equal(t, 2, c.Release)
	_, ok = w.ConflictOf("b-bot")
	assert.False(t, ok)
	require.Len(t, h.ev, 1)
	assert.Equal(t, notify.Conflict, h.ev[0].Kind)
	assert.Contains(t, h.ev[0].Text, "another process polls this token")

	clock = clock.Add(ConflictFresh + time.Second)
	_, ok = w.ConflictOf("a-bot")
	assert.False(t, ok, "a conflict no line repeated is over")
}
