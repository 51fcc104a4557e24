package botwatch

import (
	"context"
	"fmt"
	"sync"

	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/logstore"
	"github.com/botrunner/botrunner/notify"
	"github.com/botrunner/botrunner/receive"
)

// LogSink is the log store the deploy engine writes bots' output to.
type LogSink = deploy.LogSink

// Sink returns next with every bot line also read by w.
func (w *Watcher) Sink(next LogSink) LogSink {
	w.logs = next
	return &sink{LogSink: next, w: w}
}

type sink struct {
	LogSink
	w *Watcher
}

func (s *sink) Append(app string, l logstore.Line) error {
	if l.Stream != logstore.StreamGitd {
		s.w.sawLine(app, l.Release, l.Text)
	}
	return s.LogSink.Append(app, l)
}

// Pipeline returns next with a webhook check after each deploy that
// passed, and deploy notices.
func (w *Watcher) Pipeline(next receive.Pipeline) receive.Pipeline {
	return &pipeline{next: next, w: w}
}

type pipeline struct {
	next receive.Pipeline
	w    *Watcher

	mu     sync.Mutex
	before map[*receive.Push]int // the app's current release when the push began
}

func (p *pipeline) Run(ctx context.Context, push *receive.Push) error {
	p.mu.Lock()
	if p.before == nil {
		p.before = map[*receive.Push]int{}
	}
	if a, err := p.w.st.App(push.App); err == nil {
		p.before[push] = a.Current
	}
	p.mu.Unlock()
	err := p.next.Run(ctx, push)
	if err != nil {
		p.mu.Lock()
		delete(p.before, push)
		p.mu.Unlock()
		p.w.deployNotice(push, notify.DeployFailed, err.Error())
		return err
	}
	p.w.CheckWebhook(ctx, push.App, push.Progress)
	return nil
}

// Committed passes the push's end on; a stored push is a deploy done.
func (p *pipeline) Committed(ctx context.Context, push *receive.Push, err error) {
	if c, ok := p.next.(receive.Committer); ok {
		c.Committed(ctx, push, err)
	}
	p.mu.Lock()
	before, ok := p.before[push]
	delete(p.before, push)
	p.mu.Unlock()
	if a, aerr := p.w.st.App(push.App); err == nil && ok && aerr == nil && a.Current != before {
		p.w.deployNotice(push, notify.DeployOK, "")
	}
}

func (w *Watcher) deployNotice(push *receive.Push, kind, why string) {
	if w.notify == nil {
		return
	}
	rel := 0
	if a, err := w.st.App(push.App); err == nil {
		rel = a.Current
	}
	commit := ""
	for _, u := range push.Updates {
		commit = fmt.Sprintf("%s at %s", u.Name, u.New.String()[:7])
	}
	text := fmt.Sprintf("v%d (%s) by %s", rel, commit, push.Pusher)
	if why != "" {
		text = fmt.Sprintf("%s by %s: %s", commit, push.Pusher, why)
	}
	w.notify.Notify(notify.Event{App: push.App, Kind: kind, Text: text})
}
