package doctor

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/testsupport/testenv"
	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// fakeEngine answers like an engine with the facts, images and networks given.
type fakeEngine struct {
	facts    EngineFacts
	images   map[string]bool
	pullable map[string]bool
	networks map[string]bool
}

func (f fakeEngine) Facts(context.Context) (EngineFacts, error) { return f.facts, nil }
func (f fakeEngine) ImagePresent(_ context.Context, ref string) (bool, error) {
	return f.images[ref], nil
}
func (f fakeEngine) Pullable(_ context.Context, ref string) error {
	if f.pullable[ref] {
		return nil
	}
	return errors.New("manifest unknown")
}
func (f fakeEngine) NetworkExists(_ context.Context, name string) (bool, error) {
	return f.networks[name], nil
}

// healthy is a host where every check passes.
func healthy(t *testing.T) (Settings, fakeEngine) {
	proc := t.TempDir()
	writeFile(t, filepath.Join(proc, "fs/inotify/max_user_instances"), "8192\n", 0o644)
	writeFile(t, filepath.Join(proc, "fs/inotify/max_user_watches"), "524288\n", 0o644)
	data := t.TempDir()
	writeFile(t, filepath.Join(data, "ssh_host_ed25519_key"), "key", 0o600)
	s := Settings{Data: data, BaseImage: "python:3.11-slim", BuildpackBuilder: "heroku/builder:24",
		BuildpackPull: "if-not-present", BotSubnets: "10.213.0.0/16", BotFirewall: "auto", ProcSys: proc,
		MinFree: 1, LowFree: 1}
	e := fakeEngine{
		facts: EngineFacts{Engine: docker.Engine{Version: "27.0.1", APIVersion: "1.46", Runtime: "runc",
			Runc: "1.1.13", RuncBuild: "v1.1.13-0-g58aa920", StorageDriver: "overlay2"}, RootDir: data},
		images: map[string]bool{"python:3.11-slim": true}, pullable: map[string]bool{"heroku/builder:24": true},
	}
	return s, e
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func find(t *testing.T, results []Result, check string) Result {
	t.Helper()
	for _, r := range results {
		if r.Check == check {
			return r
		}
	}
	t.Fatalf("no check %q in %v", check, results)
	return Result{}
}

func TestHealthyHost(t *testing.T) {
	s, e := healthy(t)
	results := Run(t.Context(), s, e, nil)
	for _, r := range results {
		if r.Status != OK {
			t.Errorf("%s: %s %s (fix: %s)", r.Check, r.Status, r.Detail, r.Fix)
		}
	}
	if len(results) != 10 {
		t.Errorf("%d checks, want 10", len(results))
	}
	if err := Print(new(strings.Builder), results, false); err != nil {
		t.Errorf("Print on a healthy host: %v", err)
	}
}

// TestBadSetups breaks one thing at a time: exactly its check fails (or
// warns), with a fix that says what to do.
func TestBadSetups(t *testing.T) {
	for _, tc := range []struct {
		name, check string
		want        Status
		fix         string
		breakIt     func(t *testing.T, s *Settings, e *fakeEngine, fw *FirewallProbe)
	}{
		{"old API", "engine", Fail, "20.10", func(_ *testing.T, _ *Settings, e *fakeEngine, _ *FirewallProbe) {
			e.facts.APIVersion = "1.40"
		}},
		{"vulnerable runc", "runc", Fail, "runc", func(_ *testing.T, _ *Settings, e *fakeEngine, _ *FirewallProbe) {
			e.facts.Runc, e.facts.RuncBuild = "1.1.11", "v1.1.11-0-g4bccb38"
		}},
		{"vfs", "storage", Fail, "overlay2", func(_ *testing.T, _ *Settings, e *fakeEngine, _ *FirewallProbe) {
			e.facts.StorageDriver = "vfs"
		}},
		{"low disk", "data disk", Fail, "free space", func(_ *testing.T, s *Settings, e *fakeEngine, _ *FirewallProbe) {
			s.MinFree, e.facts.RootDir = 1<<62, "/nonexistent/docker" // the engine's disk: skipped
		}},
		{"low inotify", "inotify", Warn, "max_user_instances=8192", func(t *testing.T, s *Settings, _ *fakeEngine, _ *FirewallProbe) {
			writeFile(t, filepath.Join(s.ProcSys, "fs/inotify/max_user_instances"), "128\n", 0o644)
		}},
		{"missing base image", "base image", Fail, "GITD_BASE_IMAGE", func(_ *testing.T, s *Settings, _ *fakeEngine, _ *FirewallProbe) {
			s.BaseImage = "botrunner-missing:1"
		}},
		{"builder never pulled", "builder", Warn, "docker pull heroku/builder:24", func(_ *testing.T, s *Settings, _ *fakeEngine, _ *FirewallProbe) {
			s.BuildpackPull = "never"
		}},
		{"bad subnets", "bots' network", Fail, "", func(_ *testing.T, s *Settings, _ *fakeEngine, _ *FirewallProbe) {
			s.BotSubnets = "10.213.0.0/33"
		}},
		{"firewall on, chains missing", "bots' network", Fail, "GITD_BOT_FIREWALL=off", func(t *testing.T, s *Settings, _ *fakeEngine, fw *FirewallProbe) {
			writeFile(t, filepath.Join(s.Data, "instance-id"), "0123abcd99\n", 0o600)
			s.BotFirewall = "on"
			*fw = func(_ context.Context, chain string) error {
				if chain != "BOTRUNNER-0123abcd-FWD" && chain != "BOTRUNNER-0123abcd-IN" {
					t.Errorf("probed chain %s", chain)
				}
				return errors.New("No chain/target/match by that name")
			}
		}},
		{"readable host key", "host keys", Fail, "chmod 600", func(t *testing.T, s *Settings, _ *fakeEngine, _ *FirewallProbe) {
			writeFile(t, filepath.Join(s.Data, "ssh_host_rsa_key"), "key", 0o644)
		}},
		{"readable secret key", "host keys", Fail, "chmod 600", func(t *testing.T, s *Settings, _ *fakeEngine, _ *FirewallProbe) {
			writeFile(t, filepath.Join(s.Data, "secret.key"), "key", 0o640)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, e := healthy(t)
			var fw FirewallProbe
			tc.breakIt(t, &s, &e, &fw)
			results := Run(t.Context(), s, e, fw)
			r := find(t, results, tc.check)
			if r.Status != tc.want || r.Fix == "" || !strings.Contains(r.Fix, tc.fix) {
				t.Fatalf("%s: got %s %q fix %q; want %s with a fix naming %q", tc.check, r.Status, r.Detail, r.Fix, tc.want, tc.fix)
			}
			for _, o := range results {
				if o.Check != tc.check && o.Status != OK && o.Status != Skip {
					t.Errorf("%s also %s: %s", o.Check, o.Status, o.Detail)
				}
			}
			err := Print(new(strings.Builder), results, false)
			if (tc.want == Fail) != errors.Is(err, ErrFailed) {
				t.Errorf("Print: %v", err)
			}
		})
	}
}

// TestWrongSocket: an engine client at a socket where no engine listens
// fails the engine check with its fix, and skips what needs the engine.
func TestWrongSocket(t *testing.T) {
	c, err := client.New(client.WithHost("unix://" + filepath.Join(t.TempDir(), "docker.sock")))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := healthy(t)
	results := Run(t.Context(), s, NewEngine(c), nil)
	r := find(t, results, "engine")
	if r.Status != Fail || !strings.Contains(r.Fix, "DOCKER_HOST") {
		t.Fatalf("engine: %+v", r)
	}
	for _, name := range []string{"runc", "storage", "engine disk", "base image", "builder"} {
		if r := find(t, results, name); r.Status != Skip {
			t.Errorf("%s: %s, want skip without an engine", name, r.Status)
		}
	}
}

// TestMissingImage asks the real engine for an image it does not have, on
// a registry that does not answer (127.0.0.1:1: nothing leaves the machine).
func TestMissingImage(t *testing.T) {
	testenv.RequireDocker(t)
	c, err := docker.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := healthy(t)
	s.BaseImage = "127.0.0.1:1/botrunner-doctor-missing:1"
	s.BuildpackBuilder, s.BuildpackPull = "127.0.0.1:1/botrunner-doctor-builder:1", "never"
	results := Run(t.Context(), s, NewEngine(c), nil)
	if r := find(t, results, "engine"); r.Status == Fail {
		t.Fatalf("engine: %+v", r)
	}
	r := find(t, results, "base image")
	if r.Status != Fail || !strings.Contains(r.Fix, "docker pull "+s.BaseImage) {
		t.Fatalf("base image: %+v", r)
	}
	if r := find(t, results, "builder"); r.Status != Warn || !strings.Contains(r.Detail, "never") {
		t.Fatalf("builder: %+v", r)
	}
}

// TestFullDisk puts the data dir on a real tmpfs and fills it.
func TestFullDisk(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		ci.Missing(t, "mounting a tmpfs (needs root): "+strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	// dd stops with "No space left on device": the file system is full.
	_ = exec.Command("dd", "if=/dev/zero", "of="+filepath.Join(dir, "fill"), "bs=64k").Run()
	s, e := healthy(t)
	s.Data, s.MinFree, s.LowFree = filepath.Join(dir, "data"), 1<<20, 1<<20
	r := find(t, Run(t.Context(), s, e, nil), "data disk")
	if r.Status != Fail || !strings.Contains(r.Detail, "0 B free") || !strings.Contains(r.Fix, dir) {
		t.Fatalf("data disk on a full tmpfs: %+v", r)
	}
}
