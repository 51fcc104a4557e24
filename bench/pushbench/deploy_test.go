package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/build"
	brt "github.com/botrunner/botrunner/runtime"
)

// The raw side's commands come from gitd's own builder and driver; these
// pin that the translation keeps every flag the issue lists.
func TestRawSequence(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"main.py": "import handlers\n", "handlers.py": "GREETING = \"hi\"\n",
		"requirements.txt": "# none\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tarb, bopts, err := captureBuild(build.Options{BaseImage: "base:1", BuildArgs: map[string]string{"BASE_IMAGE": "base:1"}},
		build.Request{App: "bench-x-r1", Owner: auth.AdminUser, Release: 2, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctxDir := t.TempDir()
	if err := extractTar(tarb, ctxDir); err != nil {
		t.Fatal(err)
	}
	df, err := os.ReadFile(filepath.Join(ctxDir, bopts.Dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FROM base:1", "COPY requirements.txt", "pip install", "COPY . /app", `CMD ["python","-u","main.py"]`,
		`LABEL botrunner.app="bench-x-r1" botrunner.owner="admin" botrunner.release="2"`} {
		if !strings.Contains(string(df), want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, df)
		}
	}
	args, env, err := buildArgs(bopts, ctxDir)
	if err != nil {
		t.Fatal(err)
	}
	line := dockerCmdline(env, args)
	for _, want := range []string{"DOCKER_BUILDKIT=0 docker build -f ", "-t botrunner/bench-x-r1:v2",
		"--rm=true", "--force-rm=true", "--memory 1073741824", "--memory-swap 1073741824"} {
		if !strings.Contains(line, want) {
			t.Errorf("build command lacks %q: %s", want, line)
		}
	}
	if args[len(args)-1] != ctxDir {
		t.Errorf("build context is %q, want %q", args[len(args)-1], ctxDir)
	}

	copts, err := captureCreate(brt.Spec{Name: "botrunner-bench-x-r1-v2", Image: "botrunner/bench-x-r1:v2",
		Env: []string{"BOT_TOKEN=t", "TELEGRAM_API=http://127.0.0.1:9"}, Labels: brt.Labels("bench-x-r1", "admin", 2),
		Network: "net-x", User: botUser})
	if err != nil {
		t.Fatal(err)
	}
	rargs, err := runArgs(copts)
	if err != nil {
		t.Fatal(err)
	}
	line = dockerCmdline(nil, rargs)
	for _, want := range []string{"docker run -d --name botrunner-bench-x-r1-v2", "-e BOT_TOKEN=t",
		"--user 10001:10001", "--network net-x", "--restart no", "--init", "--read-only", "--security-opt no-new-privileges",
		"--cap-drop ALL", "--cap-add NET_BIND_SERVICE", "--tmpfs /tmp:rw,noexec,nosuid,size=64m", "--log-driver json-file",
		"--log-opt max-file=3", "--log-opt max-size=10m", "--memory 268435456", "--memory-swap 268435456", "--cpus 0.5",
		"--pids-limit 100", "--label botrunner.app=bench-x-r1"} {
		if !strings.Contains(line, want) {
			t.Errorf("run command lacks %q: %s", want, line)
		}
	}
	if rargs[len(rargs)-1] != "botrunner/bench-x-r1:v2" {
		t.Errorf("run command ends in %q, want the image", rargs[len(rargs)-1])
	}
}

func TestCountSteps(t *testing.T) {
	out := "Step 1/4 : FROM b\n ---> 1\nStep 2/4 : WORKDIR /app\n ---> Using cache\n ---> 2\n" +
		"remote: Step 3/4 : COPY . /app\nremote:  ---> 3\nStep 4/4 : CMD x\n ---> Running in 4\n"
	if n := countSteps(splitLines(out)); n != 2 {
		t.Fatalf("countSteps = %d, want 2 (COPY, CMD)", n)
	}
}

func TestReadLines(t *testing.T) {
	r := strings.NewReader("remote: a\rremote: b\n\nremote: -----> starting v2 … up for 1s: running\nlast")
	got := readLines(r)
	var texts []string
	for _, l := range got {
		texts = append(texts, l.text)
		if time.Since(l.at) > time.Minute {
			t.Errorf("line %q has no arrival time", l.text)
		}
	}
	want := []string{"remote: a", "remote: b", "remote: -----> starting v2 … up for 1s: running", "last"}
	if !slices.Equal(texts, want) {
		t.Fatalf("readLines = %q, want %q", texts, want)
	}
}

func TestStepTimes(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	lines := []tline{
		{at(0), "remote: Sending build context (12 KiB)"},
		{at(10), "remote: Step 1/3 : COPY . /app"},
		{at(20), "remote:  ---> 1"},
		{at(1010), "remote: Step 2/3 : LABEL botrunner.app=bench-x-g1"},
		{at(3010), "remote: Step 3/3 : LABEL botrunner.release=2"},
		{at(5510), "remote: Successfully built 1234"},
		{at(5520), "remote: -----> stopping v1"},
	}
	order, times := stepTimes(lines)
	want := []string{"COPY . /app", "LABEL botrunner.app=…", "LABEL botrunner.release=…"}
	if !slices.Equal(order, want) {
		t.Fatalf("order = %q, want %q", order, want)
	}
	for i, d := range []time.Duration{time.Second, 2 * time.Second, 2500 * time.Millisecond} {
		if times[want[i]] != d {
			t.Errorf("%s took %s, want %s", want[i], times[want[i]], d)
		}
	}
}

func splitLines(s string) []tline {
	var out []tline
	for _, l := range strings.Split(s, "\n") {
		out = append(out, tline{text: l})
	}
	return out
}
