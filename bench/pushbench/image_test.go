package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/events"
)

func TestCountLayers(t *testing.T) {
	for _, tc := range []struct {
		name, out       string
		pulled, present int
	}{
		{"cold, gitd's lines", "-----> app: pulling r:v1 for v1\nv1: Pulling from bench-bot\naaa: Pulling fs layer\nbbb: Pulling fs layer\n" +
			"aaa: Download complete\naaa: Pull complete\nbbb: Pull complete\nDigest: sha256:00\nStatus: Downloaded newer image for r:v1", 2, 0},
		{"warm, raw CLI", "v2: Pulling from bench-bot\naaa: Already exists\nbbb: Already exists\nccc: Pulling fs layer\nccc: Pull complete", 1, 2},
		{"remote: prefix, a line twice", "remote: aaa: Pull complete\nremote: aaa: Pull complete\nremote: bbb: Already exists", 1, 1},
		{"no pull", "-----> starting v1 … up for 1s: running\nError: x: y", 0, 0},
	} {
		pulled, present := countLayers(splitLines(tc.out))
		if pulled != tc.pulled || present != tc.present {
			t.Errorf("%s: countLayers = %d pulled, %d present; want %d, %d", tc.name, pulled, present, tc.pulled, tc.present)
		}
	}
}

// imageTimeline is a redeploy's (n = 2) or first deploy's output and
// events, 100 ms apart, in the order gitd makes them.
func imageTimeline(n int) ([]tline, []events.Message, time.Time) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	ev := func(ms int, id, name string, a events.Action) events.Message {
		return events.Message{Action: a, TimeNano: at(ms).UnixNano(), Actor: events.Actor{ID: id, Attributes: map[string]string{"name": name}}}
	}
	lines := []tline{
		{at(100), "-----> bench-x-g1: pulling 127.0.0.1:5000/bot:v2 for v2 (login u @ 127.0.0.1:5000)"},
		{at(150), "aaa: Pull complete"},
		{at(1800), fmt.Sprintf("-----> starting v%d … up for 1s: running", n)},
	}
	got := []events.Message{
		ev(200, "127.0.0.1:5000/bot:v2", "127.0.0.1:5000/bot", events.ActionPull), // a pull's name has no tag
		ev(300, "sha256:1", fmt.Sprintf("botrunner/bench-x-g1:v%d", n), events.ActionTag),
	}
	if n > 1 {
		got = append(got, ev(400, "c1", "botrunner-bench-x-g1-v1", events.ActionKill), ev(500, "c1", "botrunner-bench-x-g1-v1", events.ActionDie))
	}
	name := fmt.Sprintf("botrunner-bench-x-g1-v%d", n)
	got = append(got, ev(600, "c2", name, events.ActionCreate), ev(700, "c2", name, events.ActionStart))
	return lines, got, t0
}

func TestImageChain(t *testing.T) {
	for _, n := range []int{1, 2} {
		lines, got, t0 := imageTimeline(n)
		chain, err := imageChain("bench-x-g1", "127.0.0.1:5000/bot:v2", n, lines, got, t0, t0.Add(1900*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		ph := chainPhases(chain)
		want := map[string]time.Duration{
			imageGitdPhases[0]: 100 * time.Millisecond, imageGitdPhases[1]: 100 * time.Millisecond,
			imageGitdPhases[2]: 100 * time.Millisecond, imageGitdPhases[5]: 300 * time.Millisecond,
			imageGitdPhases[6]: 100 * time.Millisecond, imageGitdPhases[7]: 1100 * time.Millisecond,
			imageGitdPhases[8]: 100 * time.Millisecond,
		}
		if n == 2 {
			want[imageGitdPhases[3]], want[imageGitdPhases[4]] = 100*time.Millisecond, 100*time.Millisecond
			want[imageGitdPhases[5]] = 100 * time.Millisecond
		}
		for p, d := range want {
			if ph[p] != d {
				t.Errorf("n=%d: %s = %s, want %s", n, p, ph[p], d)
			}
		}
		if len(ph) != len(want) {
			t.Errorf("n=%d: %d phases, want %d: %v", n, len(ph), len(want), ph)
		}
	}
	lines, got, t0 := imageTimeline(1)
	if _, err := imageChain("bench-x-g1", "r", 1, lines[:2], got, t0, t0); err == nil {
		t.Error("imageChain without the running line: no error")
	}
}

func TestRawImageCommands(t *testing.T) {
	b := &imageBench{deployBench: &deployBench{network: "net-x", botEnv: []string{"BOT_TOKEN=t"}, grace: 1500 * time.Millisecond},
		dockerConfig: "/w/docker-config"}
	b.refs = [2]string{"127.0.0.1:5000/bot:v1", "127.0.0.1:5000/bot:v2"}
	for n, want := range [][]string{
		{"DOCKER_CONFIG=/w/docker-config docker pull 127.0.0.1:5000/bot:v1", "docker run -d --name botrunner-bench-x-r1-v1 -e BOT_TOKEN=t"},
		{"DOCKER_CONFIG=/w/docker-config docker pull 127.0.0.1:5000/bot:v2", "docker stop -t 2 botrunner-bench-x-r1-v1",
			"docker run -d --name botrunner-bench-x-r1-v2 -e BOT_TOKEN=t"},
	} {
		steps, err := b.rawImageCommands("bench-x-r1", n+1)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != len(want) {
			t.Fatalf("release %d: %d steps, want %d", n+1, len(steps), len(want))
		}
		for i, st := range steps {
			if line := dockerCmdline(st.env, st.args); !strings.HasPrefix(line, want[i]) {
				t.Errorf("release %d step %d = %s, want it to start with %s", n+1, i, line, want[i])
			}
		}
		run := dockerCmdline(nil, steps[len(steps)-1].args)
		for _, w := range []string{"--label pushbench.raw.app=bench-x-r1", "--user 10001:10001", "--network net-x", "--read-only", " " + b.refs[n]} {
			if !strings.Contains(run, w) {
				t.Errorf("release %d: run lacks %q: %s", n+1, w, run)
			}
		}
	}
}

func TestImageDockerfile(t *testing.T) {
	got := imageDockerfile("botrunner/x-root", []string{"PATH=/usr/bin:/bin", `MSG=say "hi"`})
	want := "FROM botrunner/x-root\nENV PATH=\"/usr/bin:/bin\"\nENV MSG=\"say \\\"hi\\\"\"\nWORKDIR /app\nCOPY . /app\nCMD [\"python\", \"-u\", \"main.py\"]\n"
	if got != want {
		t.Errorf("imageDockerfile =\n%s\nwant\n%s", got, want)
	}
}

func TestImageReportHelpers(t *testing.T) {
	for in, want := range map[string]string{"0\n0\n4321\n0\n194700000": "4.3 kB", "0\n999": "999 B", "0": "?", "": "?"} {
		if got := topSize(in); got != want {
			t.Errorf("topSize(%q) = %s, want %s", in, got, want)
		}
	}
	if got := byteSize(194_700_000); got != "194.7 MB" {
		t.Errorf("byteSize = %s", got)
	}
	for _, tc := range []struct {
		ns   []int
		want string
	}{{nil, "–"}, {[]int{3, 3}, "3"}, {[]int{3, 1, 2}, "1–3"}} {
		if got := intRange(tc.ns); got != tc.want {
			t.Errorf("intRange(%v) = %s, want %s", tc.ns, got, tc.want)
		}
	}
	got := layerSummary(map[string][]dsample{"gitd": {{Pulled: 3}, {Pulled: 3}}, "raw": {{Pulled: 1, Present: 2}, {Pulled: 3}}})
	if want := "gitd 3 downloaded, 0 present; raw 1–3 downloaded, 0–2 present"; got != want {
		t.Errorf("layerSummary = %q, want %q", got, want)
	}
}

func TestParseImageFlags(t *testing.T) {
	args := []string{"-work", "w", "-key", "k", "-gitd-addr", "127.0.0.1:1", "-base-image", "b", "-network", "n", "-prefix", "bench-img-1"}
	if f, err := parseDeployFlags("image", args); err != nil || f.runs != 5 || f.prefix != "bench-img-1" {
		t.Fatalf("parseDeployFlags = %+v, %v", f, err)
	}
	_, err := parseDeployFlags("image", slices.Concat(args, []string{"-runs", "0"}))
	if err == nil || !strings.HasPrefix(err.Error(), "image: ") {
		t.Errorf("-runs 0: err = %v, want an image: error", err)
	}
	if _, err := parseDeployFlags("image", args[2:]); err == nil || !strings.Contains(err.Error(), "-work is required") {
		t.Errorf("no -work: err = %v", err)
	}
}
