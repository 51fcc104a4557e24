package runtimetest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/botrunner/botrunner/runtime"
)

// Timeout bounds every wait in the suite; engines under load are slow, but
// not this slow.
const Timeout = 30 * time.Second

// harness is one subtest's view of the driver under test.
type harness struct {
	t     *testing.T
	d     runtime.Driver
	img   Images
	token string // unique per subtest: names and labels never collide
}

func newHarness(t *testing.T, d runtime.Driver, img Images) *harness {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &harness{t: t, d: d, img: img, token: hex.EncodeToString(b)}
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	h.t.Cleanup(cancel)
	return ctx
}

// spec is a container running cmd, named and labelled for this subtest.
func (h *harness) spec(name string, cmd []string) runtime.Spec {
	labels := maps.Clone(h.img.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels["botrunner.suite"] = h.token
	return runtime.Spec{
		Name:    "rt-" + h.token + "-" + name,
		Image:   h.img.Image,
		Cmd:     cmd,
		User:    h.img.User,
		Network: h.img.Network,
		Labels:  labels,
	}
}

// create creates s and removes the container when the test ends.
func (h *harness) create(s runtime.Spec) string {
	h.t.Helper()
	id, err := h.d.Create(h.ctx(), s)
	if err != nil {
		h.t.Fatalf("Create(%s): %v", s.Name, err)
	}
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		defer cancel()
		if err := h.d.Remove(ctx, id); err != nil && !errors.Is(err, runtime.ErrNotFound) {
			h.t.Errorf("cleanup: Remove(%s): %v", s.Name, err)
		}
	})
	return id
}

// run creates and starts a container running cmd.
func (h *harness) run(name string, cmd []string) string {
	h.t.Helper()
	id := h.create(h.spec(name, cmd))
	h.start(id)
	return id
}

func (h *harness) start(id string) {
	h.t.Helper()
	if err := h.d.Start(h.ctx(), id); err != nil {
		h.t.Fatalf("Start: %v", err)
	}
}

func (h *harness) inspect(id string) runtime.State {
	h.t.Helper()
	st, err := h.d.Inspect(h.ctx(), id)
	if err != nil {
		h.t.Fatalf("Inspect: %v", err)
	}
	return st
}

// exit receives Wait's one result and checks that the channel then closes.
func (h *harness) exit(ch <-chan runtime.ExitResult) runtime.ExitResult {
	h.t.Helper()
	var res runtime.ExitResult
	select {
	case r, ok := <-ch:
		if !ok {
			h.t.Fatal("Wait channel closed without a result")
		}
		res = r
	case <-time.After(Timeout):
		h.t.Fatal("no exit within the timeout")
	}
	select {
	case r, ok := <-ch:
		if ok {
			h.t.Errorf("Wait sent a second result %+v", r)
		}
	case <-time.After(Timeout):
		h.t.Error("Wait channel not closed after its result")
	}
	return res
}

// logs reads the container's logs to the end, as lines.
func (h *harness) logs(id string, o runtime.LogOptions) []string {
	h.t.Helper()
	rc, err := h.d.Logs(h.ctx(), id, o)
	if err != nil {
		h.t.Fatalf("Logs: %v", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		h.t.Fatalf("read logs: %v", err)
	}
	return splitLines(string(b))
}

// logsContaining polls until the logs hold every wanted line: a process
// writes them some time after Start returns.
func (h *harness) logsContaining(id string, o runtime.LogOptions, want ...string) []string {
	h.t.Helper()
	deadline := time.Now().Add(Timeout)
	for {
		got := h.logs(id, o)
		if containsAll(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("logs = %q, want them to contain %q", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func splitLines(s string) []string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
