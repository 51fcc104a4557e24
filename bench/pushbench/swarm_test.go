package main

import (
	"testing"
	"time"
)

// The swarm benchmark splits gitd's push by the lines scheduler/swarm and
// the deploy core print; these pin the texts it looks for.
func TestGitdSwarmPhases(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	lines := []tline{
		{at(100), "remote: -----> app: building v3 (simple: main.py, requirements.txt)"},
		{at(900), "remote: -----> Copying v3 to the registry"},
		{at(1200), "remote: -----> Starting v3 (stop-first)"},
		{at(4200), "remote: -----> Checking that v3 stays up for 1s"},
		{at(5200), "remote: -----> app v3 is running (image sha256:0123…, 5.2 s)"},
	}
	s := gitdSwarmPhases(lines, 3, t0, at(5300))
	want := map[string]time.Duration{
		swGitdPre: 100 * time.Millisecond, swGitdBuild: 800 * time.Millisecond, swGitdPush: 300 * time.Millisecond,
		swGitdUpdate: 3 * time.Second, swGitdCheck: time.Second, swGitdAfter: 100 * time.Millisecond,
		swGitdWall: 5300 * time.Millisecond, swGitdFromUpd: 4100 * time.Millisecond,
	}
	for k, d := range want {
		if s[k] != d {
			t.Errorf("%s = %v, want %v", k, s[k], d)
		}
	}
	// A push whose output lacks a point leaves the phases around it out.
	s = gitdSwarmPhases(lines[:3], 3, t0, at(5300))
	if _, ok := s[swGitdUpdate]; ok {
		t.Errorf("update phase without its end point: %v", s)
	}
}

func TestParseSwarmFlags(t *testing.T) {
	f, bin, err := parseSwarmFlags([]string{"-gitd", "/x/gitd", "-work", "w", "-key", "k", "-gitd-addr", "a:1",
		"-base-image", "b", "-network", "n", "-prefix", "bench-sw-1"})
	if err != nil || bin != "/x/gitd" || f.prefix != "bench-sw-1" {
		t.Fatalf("got %q %+v %v", bin, f, err)
	}
	if _, _, err := parseSwarmFlags([]string{"-work", "w", "-key", "k", "-gitd-addr", "a:1",
		"-base-image", "b", "-network", "n", "-prefix", "p"}); err == nil {
		t.Fatal("no -gitd: want an error")
	}
}
