package command

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/logstore"
)

// worldWithLogs is a world whose router reads a real log store holding
// three lines of alice-bot and a build log of its v2; alice-bot's config
// has a secret that one line printed.
func worldWithLogs(t *testing.T) (*world, *logstore.Store) {
	w := newWorld(t)
	ls, err := logstore.Open(t.TempDir(), logstore.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = ls.Close() })
	w.r = NewRouter(Deps{Store: w.s, Auth: auth.New(w.s, quota), Repos: w.repos, Version: "1.2.3", Logs: ls})
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for i, l := range []logstore.Line{
		{Release: 1, Stream: logstore.StreamStdout, Text: "hello from v1"},
		{Release: 0, Stream: logstore.StreamGitd, Text: "restarting after crash"},
		{Release: 2, Stream: logstore.StreamStderr, Text: "token is " + token},
	} {
		l.Time = at.Add(time.Duration(i) * time.Second)
		require.NoError(t, ls.Append("alice-bot", l))
	}
	require.NoError(t, ls.SaveBuild("alice-bot", 2, []byte("Step 1/3 : FROM python\nsaw "+token+"\n")))
	_, err = w.s.SetConfig("alice-bot", map[string]string{"BOT_TOKEN": token}, nil)
	require.NoError(t, err)
	return w, ls
}

// TestLogsPrints: the lines in order with their source, filtered by
// release and count, with times or as JSON records, and the secret the
// bot printed before it was a config var is redacted on the way out.
func TestLogsPrints(t *testing.T) {
	w, _ := worldWithLogs(t)
	const v2 = "[v2] token is [redacted]\n"
	assert.Equal(t, "[v1] hello from v1\n[gitd] restarting after crash\n"+v2, w.ok("bob", "", "logs", "alice-bot"))
	assert.Equal(t, v2, w.ok("bob", "", "logs", "alice-bot", "v2"))
	assert.Equal(t, v2, w.ok("bob", "", "logs", "alice-bot", "-n", "1"))
	assert.Equal(t, "2026-12-03T08:00:00Z [v1] hello from v1\n", w.ok("alice", "", "logs", "alice-bot", "1", "-t"))
	assert.Equal(t, `{"release":1,"stream":"stdout","text":"hello from v1","time":"2026-12-03T08:00:00Z"}`+"\n",
		w.ok("alice", "", "logs", "alice-bot", "v1", "--json"))
	assert.Equal(t, "", w.ok("alice", "", "logs", "alice-bot", "--since", "1m"), "every line is older than a minute")
	assert.Equal(t, "build log of v2:\nStep 1/3 : FROM python\nsaw [redacted]\n", w.ok("bob", "", "logs", "alice-bot", "--build"))
	assert.Equal(t, "build log of v2:\nStep 1/3 : FROM python\nsaw [redacted]\n", w.ok("bob", "", "logs", "alice-bot", "v2", "--build"))
}

// TestLogsRefusals: bad numbers and durations are usage errors (exit 2),
// a missing build log and someone else's app are not found, and a server
// that keeps no logs says so.
func TestLogsRefusals(t *testing.T) {
	w, _ := worldWithLogs(t)
	for _, tc := range []struct {
		who   string
		words []string
		exit  int
		code  string
	}{
		{"alice", []string{"-n", "many"}, 2, ErrUsage.Code},
		{"alice", []string{"-n", "-1"}, 2, ErrUsage.Code},
		{"alice", []string{"--since", "0s"}, 2, ErrUsage.Code},
		{"alice", []string{"--since", "yesterday"}, 2, ErrUsage.Code},
		{"alice", []string{"v0"}, 2, ErrUsage.Code},
		{"alice", []string{"v7", "--build"}, 1, logstore.ErrNotFound.Code},
		{"carol", nil, 1, auth.ErrAppNotFound.Code},
	} {
		res := w.run(tc.who, "", append([]string{"logs", "alice-bot", "--json"}, tc.words...)...)
		assert.Equal(t, tc.exit, res.code, "%v: %s", tc.words, res.stderr)
		assert.Equal(t, tc.code, decode[errorJSON](t, res.stderr).Code, "%v", tc.words)
		assert.Empty(t, res.stdout, "%v", tc.words)
	}
	res := newWorld(t).run("alice", "", "logs", "alice-bot")
	assert.Equal(t, result{code: 1, stderr: "error: this server keeps no bot logs\nhint: it hosts git only (GITD_RUNTIME=none)\n"}, res)
}

// TestLogsFollow: -f prints the kept lines, then a line appended after
// the follow began, and ends when the session does.
func TestLogsFollow(t *testing.T) {
	w, ls := worldWithLogs(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- w.r.Run(Env{Ctx: ctx, Identity: w.ids["bob"], Command: "logs", Args: []string{"alice-bot", "-f", "-n", "1"},
			Stdin: strings.NewReader(""), Stdout: pw, Stderr: pw})
		pw.Close()
	}()
	buf := make([]byte, 4096)
	readLine := func() string {
		n, err := pr.Read(buf)
		require.NoError(t, err)
		return string(buf[:n])
	}
	assert.Equal(t, "[v2] token is [redacted]\n", readLine(), "the last kept line first")
	require.NoError(t, ls.Append("alice-bot", logstore.Line{Time: time.Now(), Release: 3, Stream: logstore.StreamStdout, Text: "new after follow"}))
	assert.Equal(t, "[v3] new after follow\n", readLine(), "a line appended after -f began arrives")
	cancel()
	rest, _ := io.ReadAll(pr)
	assert.Equal(t, 0, <-done)
	assert.Empty(t, string(rest))
}
