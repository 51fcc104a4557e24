package docker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
)

// Inspect reports the container's state; runtime.ErrNotFound if missing.
func (d *Driver) Inspect(ctx context.Context, id string) (runtime.State, error) {
	res, err := d.c.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return runtime.State{}, translate("inspect", id, err)
	}
	return toState(res.Container), nil
}

// List returns the full state of every container carrying all labels,
// stopped ones included; a label with an empty value matches any value.
// The engine's list lacks exit codes and OOM flags, so each match is
// inspected; one removed meanwhile is left out.
func (d *Driver) List(ctx context.Context, labels map[string]string) ([]runtime.State, error) {
	f := make(client.Filters)
	for k, v := range labels {
		if v == "" {
			f.Add("label", k) // the key alone: any value
			continue
		}
		f.Add("label", k+"="+v)
	}
	res, err := d.c.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	out := make([]runtime.State, 0, len(res.Items))
	for _, c := range res.Items {
		st, err := d.Inspect(ctx, c.ID)
		if errors.Is(err, runtime.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// toState converts the engine's inspect response.
func toState(c container.InspectResponse) runtime.State {
	st := runtime.State{ID: c.ID, Name: strings.TrimPrefix(c.Name, "/"), Image: c.Image}
	if c.Config != nil {
		st.Image = c.Config.Image // as given in the Spec, not the resolved sha256
		st.Labels = maps.Clone(c.Config.Labels)
	}
	if s := c.State; s != nil {
		st.Running = s.Running
		st.Status = string(s.Status)
		st.ExitCode = s.ExitCode
		st.OOMKilled = s.OOMKilled
		st.StartedAt = engineTime(s.StartedAt)
		st.FinishedAt = engineTime(s.FinishedAt)
	}
	return st
}

// engineTime parses the engine's RFC 3339 times; "never" is the zero time
// "0001-01-01T00:00:00Z", which parses to time.Time{} as well.
func engineTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
