package audit

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSessionsAudited(t *testing.T) {
	l, err := Open(t.TempDir(), 1<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r := Recorder{Log: l}
	r.Session("alice", "127.0.0.1:5000", []string{"config:set", "my-bot", "BOT_TOKEN=123:SECRET", "stray-SECRET", "--no-restart"}, 0)
	r.Session("alice", "127.0.0.1:5000", []string{"git-receive-pack", "'/my-bot.git'"}, 0)
	r.Session("alice", "127.0.0.1:5000", []string{"status", "my-bot"}, 0) // a read: not audited
	r.Session("alice", "127.0.0.1:5000", []string{"config:get", "my-bot", "BOT_TOKEN"}, 0)
	r.Session("alice", "127.0.0.1:5000", []string{"config:get", "my-bot", "BOT_TOKEN", "--reveal"}, 0)
	r.Session("bob", "127.0.0.1:5001", []string{"deploy:git", "my-bot", "https://user:SECRET@git.example/x"}, 1)
	r.Session("root", "127.0.0.1:5002", []string{"users:add", "carol"}, 0)
	r.KeyRefused("127.0.0.1:5003", "SHA256:abc")
	// The app left out: the pair is no app. A stray flag may be a value.
	r.Session("alice", "127.0.0.1:5000", []string{"config:set", "BOT_TOKEN=123:SECRET", "-SECRET", "--SECRET=x"}, 1)
	r.Session("alice", "127.0.0.1:5000", []string{"git-receive-pack", "~/my-bot"}, 0)
	r.Session("alice", "127.0.0.1:5000", []string{"git", "receive-pack", "'my-bot'"}, 1) // the two-word form
	r.Session("alice", "127.0.0.1:5000", []string{"git", "upload-pack", "'my-bot'"}, 0)  // a read
	// A word with an escape sequence is kept quoted, never raw.
	r.Session("mallory", "127.0.0.1:5004", []string{"start", "my-bot", "\x1b]0;owned\x07"}, 1)

	got, err := l.Read(nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range got {
		lines = append(lines, strings.Join([]string{e.Actor, e.Action, e.App, strings.Join(e.Args, ","), map[bool]string{true: "ok", false: "failed"}[e.OK], e.Detail}, "|"))
	}
	want := []string{
		"alice|config:set|my-bot|BOT_TOKEN,--no-restart|ok|",
		"alice|push|my-bot||ok|",
		"alice|config:get|my-bot|BOT_TOKEN,--reveal|ok|",
		"bob|deploy:git|my-bot||failed|",
		"root|users:add||carol|ok|",
		"|auth:refused|||failed|SHA256:abc",
		"alice|config:set||BOT_TOKEN|failed|",
		"alice|push|my-bot||ok|",
		"alice|push|my-bot||failed|",
		`mallory|start|my-bot|"\x1b]0;owned\a"|failed|`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	raw, _ := os.ReadFile(filepath.Join(l.dir, fileName))
	if strings.Contains(string(raw), "SECRET") {
		t.Errorf("a value reached the audit log:\n%s", raw)
	}
}

func TestRotation(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, 300, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if err := l.Write(Entry{Actor: "alice", Action: "stop", App: "my-bot"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"audit.log", "audit.log.1", "audit.log.2"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Size() > 300 || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", name, fi, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "audit.log.3")); err == nil {
		t.Error("kept more than 2 rotated files")
	}
	all, _ := l.Read(nil, 0)
	last, _ := l.Read(func(e Entry) bool { return e.App == "my-bot" }, 3)
	if len(all) < 3 || len(all) >= 20 || len(last) != 3 || !last[2].Time.Equal(all[len(all)-1].Time) {
		t.Errorf("read %d entries after rotation, last 3: %v", len(all), last)
	}
	// A reopened log appends.
	l.Close()
	l2, err := Open(dir, 300, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	_ = l2.Write(Entry{Actor: "bob", Action: "start", App: "my-bot"})
	again, _ := l2.Read(nil, 1)
	if len(again) != 1 || again[0].Actor != "bob" {
		t.Errorf("after reopen: %v", again)
	}
}

// Refused keys from one host write one line a minute: anyone may offer
// keys without end, and the log must not rotate the rest out for them.
func TestRefusedKeysOncePerHostAMinute(t *testing.T) {
	l, err := Open(t.TempDir(), 1<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	now := time.Now()
	for i, c := range []struct {
		remote string
		at     time.Time
		want   bool
	}{
		{"203.0.113.5:4000", now, true},
		{"203.0.113.5:4001", now.Add(time.Second), false}, // another port, same host
		{"203.0.113.6:4000", now.Add(time.Second), true},
		{"203.0.113.5:4002", now.Add(refusedEvery), true},
	} {
		if got := l.admitRefusal(c.remote, c.at); got != c.want {
			t.Errorf("%d: %s at +%s: %v, want %v", i, c.remote, c.at.Sub(now), got, c.want)
		}
	}
}

// TestReadKeepsNewestInOrder: a read of the last n across rotated files
// returns exactly the newest n, oldest first (the batch trim keeps order),
// and a rotation while a reader holds the files open loses nothing it
// opened.
func TestReadKeepsNewestInOrder(t *testing.T) {
	l, err := Open(t.TempDir(), 4096, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range 100 {
		if err := l.Write(Entry{Actor: "alice", Action: "stop", App: "bot-" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := l.Read(nil, 0)
	if err != nil || len(all) < 20 {
		t.Fatalf("read %d entries: %v", len(all), err)
	}
	last := all[len(all)-1].App
	got, err := l.Read(nil, 7)
	if err != nil || len(got) != 7 {
		t.Fatalf("read %d: %v", len(got), err)
	}
	for i, e := range got {
		if want := all[len(all)-7+i].App; e.App != want {
			t.Errorf("entry %d is %s, want %s", i, e.App, want)
		}
	}
	if got[6].App != last || last != "bot-99" {
		t.Errorf("newest is %s (all: %s)", got[6].App, last)
	}

	files, err := l.openAll()
	if err != nil {
		t.Fatal(err)
	}
	for range 100 { // rotates several times while the files are open
		_ = l.Write(Entry{Actor: "bob", Action: "start", App: "later"})
	}
	var held []Entry
	for _, f := range files {
		held, _ = readFile(f, nil, held, maxRead)
		f.Close()
	}
	// Everything there was when they were opened, then (from the file
	// being written, until it rotated) some later entries.
	if len(held) < len(all) || held[len(all)-1].App != "bot-99" {
		t.Errorf("the open files read %d entries, want the %d there were first", len(held), len(all))
	}
}
