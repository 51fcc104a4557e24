package runtimetest

import (
	"bufio"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/runtime"
)

func testList(t *testing.T, h *harness) {
	labelled := func(name, app string, cmd []string) runtime.Spec {
		s := h.spec(name, cmd)
		s.Labels[runtime.LabelApp] = app
		return s
	}
	exited := h.create(labelled("list-a1", "a", h.img.Exit(0)))
	ch := h.d.Wait(h.ctx(), exited)
	h.start(exited)
	h.exit(ch)
	running := h.create(labelled("list-a2", "a", h.img.Sleep()))
	h.start(running)
	h.create(labelled("list-b", "b", h.img.Sleep()))

	got, err := h.d.List(h.ctx(), map[string]string{"botrunner.suite": h.token, runtime.LabelApp: "a"})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	ids := make([]string, 0, len(got))
	for _, st := range got {
		ids = append(ids, st.ID)
		switch st.ID {
		case exited:
			if st.Running || st.Status != "exited" {
				t.Errorf("listed exited container as %+v", st)
			}
		case running:
			if !st.Running || st.Status != "running" {
				t.Errorf("listed running container as %+v", st)
			}
		}
	}
	slices.Sort(ids)
	want := []string{exited, running}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("List(app=a) = %v, want %v (stopped included, app=b left out)", ids, want)
	}
	none, err := h.d.List(h.ctx(), map[string]string{"botrunner.suite": h.token, runtime.LabelApp: "nope"})
	if err != nil || len(none) != 0 {
		t.Errorf("List(app=nope) = %v, %v; want nothing", none, err)
	}
}

// testListKey: a label with an empty value matches any value of the key.
func testListKey(t *testing.T, h *harness) {
	var want []string
	for _, app := range []string{"a", "b", ""} {
		s := h.spec("key-"+app, h.img.Sleep())
		if app != "" {
			s.Labels[runtime.LabelApp] = app
		}
		id := h.create(s)
		if app != "" {
			want = append(want, id)
		}
	}
	got, err := h.d.List(h.ctx(), map[string]string{"botrunner.suite": h.token, runtime.LabelApp: ""})
	ids := make([]string, 0, len(got))
	for _, st := range got {
		ids = append(ids, st.ID)
	}
	slices.Sort(ids)
	slices.Sort(want)
	if err != nil || !slices.Equal(ids, want) {
		t.Errorf("List(app=any) = %v, %v; want the two containers with the key, %v", ids, err, want)
	}
}

func testLogs(t *testing.T, h *harness) {
	id := h.run("logs", h.img.Print("one", "two", "three"))
	all := []string{"one", "two", "three", "stderr: one", "stderr: two", "stderr: three"}
	got := h.logsContaining(id, runtime.LogOptions{}, all...)
	if len(got) != len(all) {
		t.Errorf("logs = %q, want exactly %q", got, all)
	}
	if tail := h.logs(id, runtime.LogOptions{Tail: 2}); !slices.Equal(tail, all[4:]) {
		t.Errorf("Tail 2 = %q, want %q", tail, all[4:])
	}
	stamped := h.logs(id, runtime.LogOptions{Timestamps: true})
	for _, line := range stamped {
		ts, text, _ := strings.Cut(line, " ")
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || !slices.Contains(all, text) {
			t.Errorf("timestamped line %q: %v", line, err)
		}
	}
	if since := h.logs(id, runtime.LogOptions{Since: time.Now().Add(time.Hour)}); len(since) != 0 {
		t.Errorf("Since an hour ahead = %q, want nothing", since)
	}
	if since := h.logs(id, runtime.LogOptions{Since: time.Now().Add(-time.Hour)}); len(since) != len(all) {
		t.Errorf("Since an hour ago = %q, want all", since)
	}
}

// testLogsFollow: a follower sees lines as they come and reaches EOF when
// the container stops.
func testLogsFollow(t *testing.T, h *harness) {
	id := h.run("follow", h.img.Print("x", "y"))
	rc, err := h.d.Logs(h.ctx(), id, runtime.LogOptions{Follow: true})
	if err != nil {
		t.Fatalf("Logs(Follow): %v", err)
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	var seen []string
	for !slices.Contains(seen, "stderr: y") && sc.Scan() {
		seen = append(seen, sc.Text())
	}
	if !containsAll(seen, []string{"x", "y", "stderr: x", "stderr: y"}) {
		t.Fatalf("followed %q (%v)", seen, sc.Err())
	}
	stopped := make(chan error, 1)
	go func() { stopped <- h.d.Stop(h.ctx(), id, 5*time.Second) }()
	for sc.Scan() {
		seen = append(seen, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Errorf("follow after stop ended with %v, want EOF", err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Stop: %v", err)
	}
}

func testRootUser(t *testing.T, h *harness) {
	for _, user := range []string{"", "root", "0", "0:0", "root:root"} {
		s := h.spec("root", h.img.Sleep())
		s.User = user
		id, err := h.d.Create(h.ctx(), s)
		if !errors.Is(err, runtime.ErrRootUser) || hint.TipOf(err) == "" {
			t.Errorf("Create(User=%q) = %q, %v; want ErrRootUser with a hint", user, id, err)
		}
	}
	if got, err := h.d.List(h.ctx(), map[string]string{"botrunner.suite": h.token}); err != nil || len(got) != 0 {
		t.Errorf("refused creates left containers: %v, %v", got, err)
	}
}

func testEnv(t *testing.T, h *harness) {
	s := h.spec("env", h.img.Env("BOTRUNNER_GREETING"))
	s.Env = []string{"BOTRUNNER_GREETING=hello world", "OTHER=x"}
	id := h.create(s)
	h.start(id)
	h.logsContaining(id, runtime.LogOptions{}, "BOTRUNNER_GREETING=hello world")
}

func testMissingImage(t *testing.T, h *harness) {
	s := h.spec("noimage", h.img.Sleep())
	s.Image = "botrunner-test/does-not-exist:" + h.token
	if _, err := h.d.Create(h.ctx(), s); !errors.Is(err, runtime.ErrImageNotFound) {
		t.Errorf("Create with a missing image = %v, want ErrImageNotFound", err)
	}
}

func testNameInUse(t *testing.T, h *harness) {
	s := h.spec("dup", h.img.Sleep())
	h.create(s)
	if _, err := h.d.Create(h.ctx(), s); !errors.Is(err, runtime.ErrNameInUse) {
		t.Errorf("second Create with the same name = %v, want ErrNameInUse", err)
	}
}
