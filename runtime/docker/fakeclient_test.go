package docker

import (
	"context"
	"io"
	"sync"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
)

// fakeClient records what the driver asks of the engine and answers from
// its fields. errs fails a method by name.
type fakeClient struct {
	mu sync.Mutex

	errs       map[string]error
	startErrs  []error                                              // consumed one per ContainerStart, before errs
	createErrs []error                                              // consumed one per ContainerCreate, before errs
	onCreate   func(f *fakeClient, o client.ContainerCreateOptions) // under mu
	inspected  container.InspectResponse                            // fields set here override ContainerInspect's defaults
	warnings   []string
	mounts     []container.MountPoint
	state      container.State
	wait       container.WaitResponse
	logs       []byte

	info    system.Info
	version client.ServerVersionResult

	events    []events.Message // sent by Events, then eventsEnd (nil: wait for ctx)
	eventsEnd error

	images      []string // image IDs ImageList returns
	nets        []network.Summary
	onNetCreate func(f *fakeClient, name string) // under mu; e.g. a racing creator
	netIDs      int

	calls      []string
	created    []client.ContainerCreateOptions
	removed    []string
	stops      []client.ContainerStopOptions
	waits      []container.WaitCondition
	logOpts    []client.ContainerLogsOptions
	eventOpts  []client.EventsListOptions
	listOpts   []client.ContainerListOptions
	netCreated []client.NetworkCreateOptions
	netRemoved []string
}

var _ Client = (*fakeClient)(nil)

// call records a call and returns the error scripted for it.
func (f *fakeClient) call(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name)
	return f.errs[name]
}

func (f *fakeClient) ContainerCreate(_ context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	err := f.call("ContainerCreate")
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.createErrs) > 0 {
		err, f.createErrs = f.createErrs[0], f.createErrs[1:]
	}
	if err != nil {
		return client.ContainerCreateResult{}, err
	}
	f.created = append(f.created, o)
	if f.onCreate != nil {
		f.onCreate(f, o)
	}
	return client.ContainerCreateResult{ID: "c1", Warnings: f.warnings}, nil
}

func (f *fakeClient) ContainerStart(context.Context, string, client.ContainerStartOptions) (client.ContainerStartResult, error) {
	err := f.call("ContainerStart")
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.startErrs) > 0 {
		err, f.startErrs = f.startErrs[0], f.startErrs[1:]
	}
	return client.ContainerStartResult{}, err
}

func (f *fakeClient) ContainerStop(_ context.Context, _ string, o client.ContainerStopOptions) (client.ContainerStopResult, error) {
	f.mu.Lock()
	f.stops = append(f.stops, o)
	f.mu.Unlock()
	return client.ContainerStopResult{}, f.call("ContainerStop")
}

func (f *fakeClient) ContainerRemove(_ context.Context, id string, _ client.ContainerRemoveOptions) (client.ContainerRemoveResult, error) {
	f.mu.Lock()
	f.removed = append(f.removed, id)
	f.mu.Unlock()
	return client.ContainerRemoveResult{}, f.call("ContainerRemove")
}

func (f *fakeClient) ContainerInspect(_ context.Context, id string, _ client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	if err := f.call("ContainerInspect"); err != nil {
		return client.ContainerInspectResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.state
	in := container.InspectResponse{
		ID: id, Name: "/bot", State: &st, Mounts: f.mounts,
		Config: &container.Config{Image: "img", Labels: map[string]string{"a": "1"}},
	}
	if f.inspected.Config != nil {
		in.Config = f.inspected.Config
	}
	in.Created = f.inspected.Created
	return client.ContainerInspectResult{Container: in}, nil
}

func (f *fakeClient) ContainerWait(_ context.Context, _ string, o client.ContainerWaitOptions) client.ContainerWaitResult {
	res := make(chan container.WaitResponse, 1)
	errc := make(chan error, 1)
	f.mu.Lock()
	f.waits = append(f.waits, o.Condition)
	f.mu.Unlock()
	if err := f.call("ContainerWait"); err != nil {
		errc <- err
	} else {
		res <- f.wait
	}
	return client.ContainerWaitResult{Result: res, Error: errc}
}

func (f *fakeClient) ContainerLogs(_ context.Context, _ string, o client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	if err := f.call("ContainerLogs"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logOpts = append(f.logOpts, o)
	return io.NopCloser(bytesReader(f.logs)), nil
}

func (f *fakeClient) ContainerList(_ context.Context, o client.ContainerListOptions) (client.ContainerListResult, error) {
	f.mu.Lock()
	f.listOpts = append(f.listOpts, o)
	f.mu.Unlock()
	return client.ContainerListResult{Items: []container.Summary{{ID: "c1"}, {ID: "c2"}}}, f.call("ContainerList")
}

func (f *fakeClient) NetworkList(context.Context, client.NetworkListOptions) (client.NetworkListResult, error) {
	if err := f.call("NetworkList"); err != nil {
		return client.NetworkListResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return client.NetworkListResult{Items: append([]network.Summary(nil), f.nets...)}, nil
}

// ImageList lists f.images (IDs), the images the engine lock may use.
func (f *fakeClient) ImageList(context.Context, client.ImageListOptions) (client.ImageListResult, error) {
	if err := f.call("ImageList"); err != nil {
		return client.ImageListResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var res client.ImageListResult
	for _, id := range f.images {
		res.Items = append(res.Items, image.Summary{ID: id})
	}
	return res, nil
}

func (f *fakeClient) NetworkCreate(_ context.Context, name string, o client.NetworkCreateOptions) (client.NetworkCreateResult, error) {
	if err := f.call("NetworkCreate"); err != nil {
		return client.NetworkCreateResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.netCreated = append(f.netCreated, o)
	f.netIDs++
	id := "net-ours"
	n := netSummary(id, name, 10)
	if o.IPAM != nil {
		n.IPAM = *o.IPAM
	}
	n.Labels = o.Labels
	f.nets = append(f.nets, n)
	if f.onNetCreate != nil {
		f.onNetCreate(f, name)
	}
	return client.NetworkCreateResult{ID: id}, nil
}

func (f *fakeClient) NetworkRemove(_ context.Context, id string, _ client.NetworkRemoveOptions) (client.NetworkRemoveResult, error) {
	f.mu.Lock()
	f.netRemoved = append(f.netRemoved, id)
	f.mu.Unlock()
	return client.NetworkRemoveResult{}, f.call("NetworkRemove")
}

// Events sends the scripted messages, then ends with eventsEnd, or with
// ctx's error when eventsEnd is nil. Like the moby client, the message
// channel is unbuffered and never closed.
func (f *fakeClient) Events(ctx context.Context, o client.EventsListOptions) client.EventsResult {
	f.mu.Lock()
	f.eventOpts = append(f.eventOpts, o)
	msgs, end := append([]events.Message(nil), f.events...), f.eventsEnd
	f.mu.Unlock()
	_ = f.call("Events")
	out := make(chan events.Message)
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		for _, m := range msgs {
			select {
			case out <- m:
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
		}
		if end == nil {
			<-ctx.Done()
			end = ctx.Err()
		}
		errc <- end
	}()
	return client.EventsResult{Messages: out, Err: errc}
}

func (f *fakeClient) Info(context.Context, client.InfoOptions) (client.SystemInfoResult, error) {
	if err := f.call("Info"); err != nil {
		return client.SystemInfoResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return client.SystemInfoResult{Info: f.info}, nil
}

func (f *fakeClient) ServerVersion(context.Context, client.ServerVersionOptions) (client.ServerVersionResult, error) {
	if err := f.call("ServerVersion"); err != nil {
		return client.ServerVersionResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.version, nil
}
