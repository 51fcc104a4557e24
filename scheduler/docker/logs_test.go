package docker_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/testsupport/fakeruntime"
	"github.com/botrunner/botrunner/testsupport/fakescheduler"
)

// A crash restart starts the same container again: the previous run is
// what the container wrote before its last start.
func TestLogsPreviousRun(t *testing.T) {
	s := fakescheduler.New(fakescheduler.Options{})
	s.Runtime.Image("crashy", fakeruntime.Behaviour{Logs: []string{"boom"}, ExitAfter: 700 * time.Millisecond, ExitCode: 2})
	ctx, cancel := context.WithCancel(context.Background())
	restarted := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Run(ctx, nil, scheduler.HandlerFunc(func(e scheduler.Event) {
			if e.Kind == scheduler.EventStarted {
				select {
				case restarted <- struct{}{}:
				default:
				}
			}
		}))
	}()
	t.Cleanup(func() { cancel(); <-done })
	r := scheduler.Release{App: "crashy-bot", Owner: "o", Number: 1, Image: "crashy", User: "1000:1000",
		StartCheck: 100 * time.Millisecond}
	p, err := s.Deploy(ctx, r, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Accept(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-restarted:
	case <-time.After(30 * time.Second):
		t.Fatal("no crash restart")
	}
	all := read(t, s, runtime.LogOptions{}, p.Instance())
	prev := readBot(t, s, scheduler.LogOptions{Previous: true})
	if strings.Count(all, "boom") != 2 || prev != "boom\n" {
		t.Errorf("container's log %q, previous run %q", all, prev)
	}
}

func read(t *testing.T, s *fakescheduler.Scheduler, o runtime.LogOptions, id string) string {
	rc, err := s.Runtime.Logs(context.Background(), id, o)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	return string(b)
}

func readBot(t *testing.T, s *fakescheduler.Scheduler, o scheduler.LogOptions) string {
	rc, err := s.Logs(context.Background(), "crashy-bot", o)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	return string(b)
}
