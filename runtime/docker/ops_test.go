package docker

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"

	"github.com/botrunner/botrunner/runtime"
)

func TestCreateEngineErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want error
	}{
		"image missing": {fmt.Errorf("No such image: x: %w", cerrdefs.ErrNotFound), runtime.ErrImageNotFound},
		"name in use":   {fmt.Errorf("Conflict. The container name is already in use: %w", cerrdefs.ErrConflict), runtime.ErrNameInUse},
	} {
		f := &fakeClient{errs: map[string]error{"ContainerCreate": tc.err}}
		if _, err := newTestDriver(f).Create(context.Background(), botSpec()); !errors.Is(err, tc.want) {
			t.Errorf("%s: Create = %v, want %v", name, err, tc.want)
		}
	}
}

// TestCreateVerifies: what the request cannot prevent is caught after it,
// and the container does not stay behind.
func TestCreateVerifies(t *testing.T) {
	for name, tc := range map[string]struct {
		f    *fakeClient
		want error
	}{
		"pids discarded": {&fakeClient{warnings: []string{"Your kernel does not support pids limit capabilities or the cgroup is not mounted. PIDs limit discarded."}}, ErrLimitDiscarded},
		"image volumes":  {&fakeClient{mounts: []container.MountPoint{{Type: "volume", Destination: "/data"}}}, ErrImageVolumes},
		"swap warning":   {&fakeClient{warnings: []string{"Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap."}}, nil},
	} {
		id, err := newTestDriver(tc.f).Create(context.Background(), botSpec())
		if !errors.Is(err, tc.want) || (err == nil) != (id != "") {
			t.Errorf("%s: Create = %q, %v; want %v", name, id, err, tc.want)
		}
		if removed := len(tc.f.removed) == 1; removed != (tc.want != nil) {
			t.Errorf("%s: removed %v", name, tc.f.removed)
		}
	}
}

func TestNotFound(t *testing.T) {
	nf := fmt.Errorf("No such container: c9: %w", cerrdefs.ErrNotFound)
	f := &fakeClient{errs: map[string]error{
		"ContainerStart": nf, "ContainerStop": nf, "ContainerRemove": nf, "ContainerInspect": nf, "ContainerLogs": nf,
	}}
	d := newTestDriver(f)
	ctx := context.Background()
	_, inspectErr := d.Inspect(ctx, "c9")
	_, logsErr := d.Logs(ctx, "c9", runtime.LogOptions{})
	for name, err := range map[string]error{
		"Start": d.Start(ctx, "c9"), "Stop": d.Stop(ctx, "c9", time.Second), "Remove": d.Remove(ctx, "c9"),
		"Inspect": inspectErr, "Logs": logsErr, "Wait": (<-d.Wait(ctx, "c9")).Err,
	} {
		if !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("%s = %v, want ErrNotFound", name, err)
		}
	}
}

// TestStartAmbiguousNetwork: while another process removes its duplicate
// network, Start retries; other errors are not retried.
func TestStartAmbiguousNetwork(t *testing.T) {
	amb := errors.New("Error response from daemon: network bots is ambiguous (2 matches found on name)")
	f := &fakeClient{startErrs: []error{amb, amb}}
	if err := newTestDriver(f).Start(context.Background(), "c1"); err != nil || len(f.calls) != 3 {
		t.Errorf("Start = %v after %d calls, want success on the 3rd", err, len(f.calls))
	}
	f = &fakeClient{startErrs: []error{errors.New("boom"), nil}}
	if err := newTestDriver(f).Start(context.Background(), "c1"); err == nil || len(f.calls) != 1 {
		t.Errorf("Start = %v after %d calls, want the error at once", err, len(f.calls))
	}
}

func TestStopGrace(t *testing.T) {
	for _, tc := range []struct {
		grace time.Duration
		want  int
	}{{0, 0}, {-time.Second, 0}, {time.Millisecond, 1}, {1500 * time.Millisecond, 2}, {10 * time.Second, 10}} {
		f := &fakeClient{}
		if err := newTestDriver(f).Stop(context.Background(), "c1", tc.grace); err != nil {
			t.Fatal(err)
		}
		if got := *f.stops[0].Timeout; got != tc.want {
			t.Errorf("Stop(grace %v): timeout %ds, want %ds", tc.grace, got, tc.want)
		}
	}
}

func TestWaitCondition(t *testing.T) {
	for _, tc := range []struct {
		state container.State
		want  container.WaitCondition
	}{
		{container.State{Status: container.StateCreated}, container.WaitConditionNextExit},
		{container.State{Status: container.StateRunning, Running: true}, container.WaitConditionNotRunning},
		{container.State{Status: container.StateExited, ExitCode: 1}, container.WaitConditionNextExit},
	} {
		f := &fakeClient{state: tc.state, wait: container.WaitResponse{StatusCode: 137}}
		res := <-newTestDriver(f).Wait(context.Background(), "c1")
		if f.waits[0] != tc.want || res.ExitCode != 137 || res.Err != nil {
			t.Errorf("state %s: condition %s, result %+v; want %s", tc.state.Status, f.waits[0], res, tc.want)
		}
	}
	f := &fakeClient{state: container.State{Status: container.StateExited, OOMKilled: true}, wait: container.WaitResponse{StatusCode: 137}}
	if res := <-newTestDriver(f).Wait(context.Background(), "c1"); !res.OOMKilled {
		t.Errorf("OOM exit: %+v, want OOMKilled", res)
	}
}

// frame is one 8-byte-header frame of the engine's multiplexed stream.
func frame(stream byte, s string) []byte {
	h := make([]byte, 8, 8+len(s))
	h[0] = stream
	binary.BigEndian.PutUint32(h[4:], uint32(len(s)))
	return append(h, s...)
}

func TestLogs(t *testing.T) {
	var stream []byte
	stream = append(stream, frame(1, "out one\n")...)
	stream = append(stream, frame(2, "err one\n")...)
	stream = append(stream, frame(1, "out two\n")...)
	f := &fakeClient{logs: stream}
	since := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	rc, err := newTestDriver(f).Logs(context.Background(), "c1", runtime.LogOptions{Tail: 5, Since: since, Timestamps: true, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil || string(b) != "out one\nerr one\nout two\n" {
		t.Errorf("demultiplexed = %q, %v", b, err)
	}
	o := f.logOpts[0]
	if !o.ShowStdout || !o.ShowStderr || o.Tail != "5" || !o.Follow || !o.Timestamps || o.Since != "2026-01-02T03:04:05.000000006Z" {
		t.Errorf("log options %+v", o)
	}
}

func TestListInspectsEach(t *testing.T) {
	f := &fakeClient{state: container.State{Status: container.StateExited, ExitCode: 3, OOMKilled: true,
		FinishedAt: "2026-01-02T03:04:05.5Z", StartedAt: "0001-01-01T00:00:00Z"}}
	got, err := newTestDriver(f).List(context.Background(), map[string]string{"a": "1"})
	if err != nil || len(got) != 2 {
		t.Fatalf("List = %v, %v", got, err)
	}
	st := got[0]
	if st.Name != "bot" || st.Image != "img" || st.ExitCode != 3 || !st.OOMKilled || st.Status != "exited" ||
		!st.StartedAt.IsZero() || st.FinishedAt.Nanosecond() != 5e8 {
		t.Errorf("state %+v", st)
	}
}

// TestListLabelKey: an empty label value asks for the key alone.
func TestListLabelKey(t *testing.T) {
	f := &fakeClient{}
	if _, err := newTestDriver(f).List(context.Background(), map[string]string{"botrunner.app": "", "x": "1"}); err != nil {
		t.Fatal(err)
	}
	labels := f.listOpts[0].Filters["label"]
	if !labels["botrunner.app"] || !labels["x=1"] || len(labels) != 2 || !f.listOpts[0].All {
		t.Errorf("list filters = %v", f.listOpts[0].Filters)
	}
}
