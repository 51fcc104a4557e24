package docker

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
)

// Logs returns the container's stdout and stderr as one plain-text stream.
// The engine multiplexes them in 8-byte-header frames (bot containers have
// no TTY); frames are whole writes, so lines are not torn apart.
func (d *Driver) Logs(ctx context.Context, id string, o runtime.LogOptions) (io.ReadCloser, error) {
	opts := client.ContainerLogsOptions{
		ShowStdout: true,
		ShowStderr: true,
		Follow:     o.Follow,
		Timestamps: o.Timestamps,
	}
	if o.Tail > 0 {
		opts.Tail = strconv.Itoa(o.Tail)
	}
	if !o.Since.IsZero() {
		opts.Since = o.Since.UTC().Format(time.RFC3339Nano)
	}
	body, err := d.c.ContainerLogs(ctx, id, opts)
	if err != nil {
		return nil, translate("logs of", id, err)
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, body)
		pw.CloseWithError(err) // nil: readers see io.EOF
	}()
	return &logStream{PipeReader: pr, body: body}, nil
}

// logStream closes the engine's response too, which ends the copier.
type logStream struct {
	*io.PipeReader
	body io.Closer
}

func (l *logStream) Close() error {
	err := l.body.Close()
	l.PipeReader.Close()
	return err
}
