package botwatch

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/notify"
	"github.com/botrunner/botrunner/scheduler"
)

// The first crash in a row is "crashed", the later ones "backing off",
// whatever the admin's restart delays: a first delay of 30 s is no backoff,
// and a second crash restarted after 2 s is one.
func TestCrashOrBackingOff(t *testing.T) {
	h := &heard{}
	w := New(nil, nil, h, nil, "", nil)
	logs := &nopSink{}
	s := w.Sink(logs)
	for _, l := range []string{"starting", "KeyError: 'text'"} {
		require.NoError(t, s.Append("a-bot", logstore.Line{Release: 4, Stream: logstore.StreamStderr, Text: l}))
	}
	require.NoError(t, s.Append("a-bot", logstore.Line{Release: 4, Stream: logstore.StreamGitd, Text: "v4 crashed"}))
	soon := func(d time.Duration) time.Time { return time.Now().Add(d) }
	for _, e := range []scheduler.Event{
		{Kind: scheduler.EventExited, App: "a-bot", Release: 4, ExitCode: 3, Crashes: 1, NextRestart: soon(30 * time.Second)},
		{Kind: scheduler.EventExited, App: "a-bot", Release: 4, ExitCode: 3, Crashes: 2, NextRestart: soon(2 * time.Second)},
		{Kind: scheduler.EventExited, App: "a-bot", Release: 4, ExitCode: 137, OOMKilled: true, Crashes: 1},
		{Kind: scheduler.EventTimedOut, App: "a-bot", Release: 4},
		{Kind: scheduler.EventStarted, App: "a-bot", Release: 4},
	} {
		w.BotEvent(e)
	}
	require.Len(t, h.ev, 4)
	assert.Equal(t, notify.Crashed, h.ev[0].Kind)
	assert.Regexp(t, `^v4 exited with code 3; restarting in (29|30)s\nlast lines:\nstarting\nKeyError: 'text'$`, h.ev[0].Text)
	assert.Equal(t, notify.BackingOff, h.ev[1].Kind)
	assert.Regexp(t, `^v4 exited with code 3, 2 crashes in a row; restarting in [12]s\n`, h.ev[1].Text)
	assert.Equal(t, notify.Crashed, h.ev[2].Kind)
	assert.Contains(t, h.ev[2].Text, "v4 was killed: out of memory (code 137)")
	assert.Equal(t, notify.Timeout, h.ev[3].Kind)
	assert.Contains(t, h.ev[3].Text, "v4 reached the run-time limit")
}
