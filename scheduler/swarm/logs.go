package swarm

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/scheduler"
)

func containsOOM(s string) bool { return strings.Contains(strings.ToLower(s), "oom") }

// Logs streams one task's output, demultiplexed, through the manager (so
// from any node): the current task, the one before it (Previous), or the
// one named.
func (s *Scheduler) Logs(ctx context.Context, app string, o scheduler.LogOptions) (io.ReadCloser, error) {
	if o.Previous && o.Follow {
		return nil, scheduler.ErrPreviousFollow
	}
	id := o.Instance
	if id == "" {
		tasks, err := s.tasks(ctx, app)
		if err != nil {
			return nil, err
		}
		ran := tasks[:0:0]
		for _, t := range tasks {
			if t.Status.ContainerStatus != nil && t.Status.ContainerStatus.ContainerID != "" {
				ran = append(ran, t)
			}
		}
		i := 0
		if o.Previous {
			i = 1
		}
		if len(ran) <= i {
			return nil, scheduler.ErrNotFound.With("no run of "+app, nil)
		}
		id = ran[i].ID
	}
	opts := client.TaskLogsOptions{ShowStdout: true, ShowStderr: true, Follow: o.Follow, Timestamps: o.Timestamps}
	if o.Tail > 0 {
		opts.Tail = strconv.Itoa(o.Tail)
	}
	if !o.Since.IsZero() {
		opts.Since = strconv.FormatInt(o.Since.Unix(), 10)
	}
	rc, err := s.c.TaskLogs(ctx, id, opts)
	if err != nil {
		if isNotFound(err) {
			return nil, scheduler.ErrNotFound.With("no run "+id, err)
		}
		return nil, engineErr("task logs", err)
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, rc)
		rc.Close()
		pw.CloseWithError(err)
	}()
	return pr, nil
}

// lastLines is the task's last n output lines, for a StartError.
func (s *Scheduler) lastLines(ctx context.Context, task string, n int) []string {
	rc, err := s.Logs(ctx, "", scheduler.LogOptions{Instance: task, Tail: n})
	if err != nil {
		return nil
	}
	defer rc.Close()
	var buf bytes.Buffer
	_, _ = io.Copy(&buf, io.LimitReader(rc, 64<<10))
	var lines []string
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}
