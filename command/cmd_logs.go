package command

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/store"
)

var logsCmd = &command{
	name: "logs",
	args: []string{appArg, "[version]"},
	// The version: with --build, whose build log; else whose lines.
	flags: []flagSpec{
		{short: "f", name: "follow", help: "keep streaming new lines until Ctrl-C"},
		{short: "n", name: "num", value: "n", help: "how many lines (default 100; 0 = all kept)"},
		{name: "since", value: "duration", help: "only lines of the last duration, e.g. 10m, 2h"},
		{short: "t", name: "timestamps", help: "prefix each line with its time"},
		{name: "build", value: "", help: "show the build log of a release (default: the last build)"},
	},
	summary: "show an app's log: its bots' output across crashes, restarts and deploys (secrets redacted)",
	run:     runLogs,
}

// ErrNoLogs is a server that keeps no logs (GITD_RUNTIME=none).
var ErrNoLogs = hint.New("NO_LOGS", "this server keeps no bot logs", "it hosts git only (GITD_RUNTIME=none)")

func runLogs(c *call) error {
	app, err := c.d.Auth.Authorize(c.id(), c.p.arg(0), auth.Read)
	if err != nil {
		return err
	}
	if c.d.Logs == nil {
		return ErrNoLogs
	}
	cfg, err := c.d.Store.Config(app.Name)
	if err != nil {
		return err
	}
	secrets := make([]string, 0, len(cfg))
	for _, v := range cfg {
		secrets = append(secrets, v)
	}
	if c.p.bools["build"] {
		return c.buildLog(app, secrets)
	}
	q, err := logQuery(c)
	if err != nil {
		return err
	}
	only, err := parseVersion(c.p.arg(1)) // logs <app> v3: that release's lines only
	if err != nil {
		return err
	}
	if c.p.bools["follow"] {
		return c.followLog(app, q, secrets, only)
	}
	lines, err := c.d.Logs.Tail(app.Name, q)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if only == 0 || l.Release == only {
			c.writeLine(l, secrets)
		}
	}
	return nil
}

func logQuery(c *call) (logstore.Query, error) {
	q := logstore.Query{N: 100}
	if v, ok := c.p.flag("num"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return q, ErrUsage.With(fmt.Sprintf("-n %s is not a number of lines", names.Quote(v)), err)
		}
		q.N = n
	}
	if v, ok := c.p.flag("since"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return q, ErrUsage.With(fmt.Sprintf("--since %s is not a duration like 10m or 2h", names.Quote(v)), err)
		}
		q.Since = time.Now().Add(-d)
	}
	return q, nil
}

// followLog prints the query's lines, then new ones until the session ends
// (Ctrl-C ends only this SSH session).
func (c *call) followLog(app store.App, q logstore.Query, secrets []string, only int) error {
	ch, err := c.d.Logs.Follow(c.env.Ctx, app.Name, q)
	if err != nil {
		return err
	}
	for l := range ch {
		if only == 0 || l.Release == only {
			c.writeLine(l, secrets)
		}
	}
	return nil
}

func (c *call) writeLine(l logstore.Line, secrets []string) {
	text := logstore.Redact(l.Text, secrets)
	src := "gitd"
	if l.Stream != logstore.StreamGitd {
		src = "v" + strconv.Itoa(l.Release)
	}
	if c.json {
		_ = writeJSONLine(c.env.Stdout, map[string]any{"time": l.Time.UTC().Format(time.RFC3339Nano),
			"release": l.Release, "stream": l.Stream, "text": text})
		return
	}
	if c.p.bools["timestamps"] {
		fmt.Fprintf(c.env.Stdout, "%s [%s] %s\n", l.Time.UTC().Format(time.RFC3339Nano), src, text)
		return
	}
	fmt.Fprintf(c.env.Stdout, "[%s] %s\n", src, text)
}

func (c *call) buildLog(app store.App, secrets []string) error {
	n, err := parseVersion(c.p.arg(1))
	if err != nil {
		return err
	}
	var log []byte
	if n == 0 {
		n, log, err = c.d.Logs.LastBuild(app.Name)
	} else {
		log, err = c.d.Logs.Build(app.Name, n)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "build log of v%d:\n", n)
	_, err = io.WriteString(c.env.Stdout, logstore.Redact(string(log), secrets))
	return err
}
