package fakeruntime

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// Create checks s as a real driver would and makes a created container.
func (d *Driver) Create(ctx context.Context, s runtime.Spec) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s = s.WithDefaults()
	if err := s.Validate(); err != nil {
		return "", err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.takeFail("create"); err != nil {
		return "", err
	}
	b, ok := d.behaviour(s)
	if !ok {
		return "", imageNotFound(s.Image)
	}
	id := newID()
	if s.Name == "" {
		s.Name = "fake-" + id[:12]
	}
	if d.find(s.Name) != nil {
		return "", nameInUse(s.Name)
	}
	d.seq++
	d.byID[id] = &ctr{
		seq:     d.seq,
		spec:    s,
		beh:     b,
		st:      runtime.State{ID: id, Name: s.Name, Image: s.Image, Labels: maps.Clone(s.Labels), Status: "created"},
		waiters: map[chan runtime.ExitResult]bool{},
		changed: make(chan struct{}),
	}
	return id, nil
}

// Start runs the container's Behaviour; a running container is left alone.
func (d *Driver) Start(ctx context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.takeFail("start"); err != nil {
		return err
	}
	c := d.find(id)
	if c == nil {
		return notFound(id)
	}
	if c.st.Running {
		return nil
	}
	c.run++
	run := c.run
	c.st.Running, c.st.Status = true, "running"
	c.st.StartedAt, c.st.FinishedAt = d.now(), time.Time{}
	c.st.ExitCode, c.st.OOMKilled = 0, false
	c.stopped = make(chan struct{})
	d.emitLocked(c, runtime.ActionStart, 0)
	for _, l := range c.beh.Logs {
		c.appendLog(l)
	}
	if b := c.beh; b.exits() {
		code := b.ExitCode
		if b.OOM {
			code = 137
		}
		time.AfterFunc(b.ExitAfter, func() { d.end(c, run, code, b.OOM) })
	}
	return nil
}

// Stop sends "SIGTERM": the process exits (143) after its TermDelay, or is
// killed (137) when that is longer than grace. Like docker, Stop returns
// once the container has stopped.
func (d *Driver) Stop(ctx context.Context, id string, grace time.Duration) error {
	d.mu.Lock()
	if err := d.takeFail("stop"); err != nil {
		d.mu.Unlock()
		return err
	}
	c := d.find(id)
	if c == nil {
		d.mu.Unlock()
		return notFound(id)
	}
	if !c.st.Running {
		d.mu.Unlock()
		return nil
	}
	run, stopped := c.run, c.stopped
	c.stopRun = run
	delay, code := c.beh.TermDelay, 143
	if c.beh.IgnoreTerm || delay > grace {
		delay, code = max(grace, 0), 137
	}
	if delay == 0 {
		d.endLocked(c, run, code, false)
	} else {
		time.AfterFunc(delay, func() { d.end(c, run, code, false) })
	}
	d.mu.Unlock()
	select {
	case <-stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Remove kills a running container (137) and forgets it. Like docker, it
// also ends Waits pending on a container that was not running, with its
// last exit code (0 if it never ran).
func (d *Driver) Remove(ctx context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.takeFail("remove"); err != nil {
		return err
	}
	c := d.find(id)
	if c == nil {
		return notFound(id)
	}
	d.endLocked(c, c.run, 137, false)
	for w := range c.waiters {
		w <- runtime.ExitResult{ExitCode: c.st.ExitCode, OOMKilled: c.st.OOMKilled}
	}
	clear(c.waiters)
	delete(d.byID, c.st.ID)
	d.emitLocked(c, runtime.ActionDestroy, 0)
	return nil
}

// Inspect returns a copy of the container's state.
func (d *Driver) Inspect(ctx context.Context, id string) (runtime.State, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.takeFail("inspect"); err != nil {
		return runtime.State{}, err
	}
	c := d.find(id)
	if c == nil {
		return runtime.State{}, notFound(id)
	}
	return c.state(), nil
}

// List returns every container carrying all labels (an empty value: any
// value of the key), newest first (as docker does), stopped ones included.
func (d *Driver) List(ctx context.Context, labels map[string]string) ([]runtime.State, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.takeFail("list"); err != nil {
		return nil, err
	}
	var match []*ctr
	for _, c := range d.byID {
		if hasLabels(c.st.Labels, labels) {
			match = append(match, c)
		}
	}
	slices.SortFunc(match, func(a, b *ctr) int { return cmp.Compare(b.seq, a.seq) })
	out := make([]runtime.State, 0, len(match))
	for _, c := range match {
		out = append(out, c.state())
	}
	return out, nil
}

// hasLabels: an empty wanted value asks only for the key.
func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || (v != "" && got != v) {
			return false
		}
	}
	return true
}
