package docker_test

import (
	"context"
	"io"
	"maps"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
)

// hardened is the spec every test here runs: the seed limits, spelled out.
func hardened(img string, sc scope, name string, cmd ...string) runtime.Spec {
	return runtime.Spec{
		Name:    "botrunner-test-" + name + "-" + token(),
		Image:   img,
		Cmd:     cmd,
		User:    runtimetest.TestbotUser,
		Network: sc.Network,
		Labels:  maps.Clone(sc.Labels),
		Limits:  runtime.Limits{Memory: 256 << 20, NanoCPUs: 500_000_000, Pids: 100},
	}
}

// running creates and starts s and returns its ID and Wait channel.
func running(t *testing.T, d *docker.Driver, s runtime.Spec) (string, <-chan runtime.ExitResult) {
	t.Helper()
	ctx := context.Background()
	id, err := d.Create(ctx, s)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	t.Cleanup(func() { _ = d.Remove(context.Background(), id) })
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	ch := d.Wait(ctx, id)
	if err := d.Start(ctx, id); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return id, ch
}

// logLine polls the logs until a line matches re.
func logLine(t *testing.T, d *docker.Driver, id string, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(runtimetest.Timeout)
	for {
		rc, err := d.Logs(context.Background(), id, runtime.LogOptions{})
		if err != nil {
			t.Fatalf("Logs: %v", err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read logs: %v", err)
		}
		if m := re.FindStringSubmatch(string(b)); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line matches %s; logs:\n%s", re, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestHardening(t *testing.T) {
	c := engine(t)
	img := testbot(t, c)
	sc := newScope(t, c)
	d := docker.New(c, logger(t))
	id, _ := running(t, d, hardened(img, sc, "hardening", "status"))
	res, err := c.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkHostConfig(t, res.Container, sc)
	// What the process itself sees.
	for _, line := range []string{
		"Uid: 65534 65534 65534 65534", // not root, not even saved-set
		"NoNewPrivs: 1",
		"CapEff: 0000000000000000", // a non-root process holds no capability...
		"CapBnd: 0000000000000400", // ...and can gain none but NET_BIND_SERVICE (bit 10)
	} {
		logLine(t, d, id, regexp.MustCompile("(?m)^"+regexp.QuoteMeta(line)+"$"))
	}
}

// checkHostConfig asserts every hardening item as the engine reports it.
func checkHostConfig(t *testing.T, in container.InspectResponse, sc scope) {
	hc := in.HostConfig
	nets := slices.Collect(maps.Keys(in.NetworkSettings.Networks))
	for _, c := range []struct {
		what string
		ok   bool
		got  any
	}{
		{"memory 256m", hc.Memory == 256<<20, hc.Memory},
		{"memory-swap = memory (no swap)", hc.MemorySwap == 256<<20, hc.MemorySwap},
		{"nano cpus 0.5", hc.NanoCPUs == 500_000_000, hc.NanoCPUs},
		{"pids 100", hc.PidsLimit != nil && *hc.PidsLimit == 100, hc.PidsLimit},
		{"no-new-privileges", slices.Contains(hc.SecurityOpt, "no-new-privileges"), hc.SecurityOpt},
		{"cap drop ALL", slices.Equal(hc.CapDrop, []string{"ALL"}), hc.CapDrop},
		{"cap add NET_BIND_SERVICE only", slices.Equal(hc.CapAdd, []string{"CAP_NET_BIND_SERVICE"}), hc.CapAdd},
		{"read-only rootfs", hc.ReadonlyRootfs, hc.ReadonlyRootfs},
		{"/tmp tmpfs", hc.Tmpfs["/tmp"] == "rw,noexec,nosuid,size=64m" && len(hc.Tmpfs) == 1, hc.Tmpfs},
		{"user non-root", in.Config.User == runtimetest.TestbotUser, in.Config.User},
		{"json-file logs capped", hc.LogConfig.Type == "json-file" &&
			maps.Equal(hc.LogConfig.Config, map[string]string{"max-size": "10m", "max-file": "3"}), hc.LogConfig},
		{"labels", in.Config.Labels["botrunner.test.run"] == sc.Labels["botrunner.test.run"], in.Config.Labels},
		{"no mounts", len(in.Mounts) == 0 && len(hc.Binds) == 0 && len(hc.Mounts) == 0 && len(hc.VolumesFrom) == 0, in.Mounts},
		{"no port bindings", len(hc.PortBindings) == 0 && !hc.PublishAllPorts && len(in.NetworkSettings.Ports) == 0, hc.PortBindings},
		{"not privileged", !hc.Privileged && len(hc.Devices) == 0, hc.Privileged},
		{"restart policy no", hc.RestartPolicy.Name == "no", hc.RestartPolicy},
		{"no host namespaces", hc.PidMode == "" && hc.IpcMode != "host" && hc.UTSMode == "" && hc.UsernsMode != "host", hc.PidMode},
		{"only the bot network", slices.Equal(nets, []string{sc.Network}), nets},
	} {
		if !c.ok {
			t.Errorf("%s: got %v", c.what, c.got)
		}
	}
}

func TestContainment(t *testing.T) {
	c := engine(t)
	img := testbot(t, c)
	sc := newScope(t, c)
	d := docker.New(c, logger(t))
	for name, f := range map[string]func(*testing.T, *docker.Driver, runtime.Spec){
		"ReadOnlyRoot": testReadOnlyRoot,
		"Pids":         testPids,
		"OOM":          testOOM,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, d, hardened(img, sc, strings.ToLower(name)))
		})
	}
}

// testReadOnlyRoot: the root is read-only, /tmp is writable.
func testReadOnlyRoot(t *testing.T, d *docker.Driver, s runtime.Spec) {
	etc := s
	etc.Name, etc.Cmd = s.Name+"-etc", []string{"write", "/etc/x"}
	id, _ := running(t, d, etc)
	logLine(t, d, id, regexp.MustCompile(`write /etc/x: error: .*read-only file system`))
	tmp := s
	tmp.Name, tmp.Cmd = s.Name+"-tmp", []string{"write", "/tmp/x"}
	id, _ = running(t, d, tmp)
	logLine(t, d, id, regexp.MustCompile(`write /tmp/x: ok`))
}

// testPids: a fork bomb hits the pids limit inside; the host is fine.
func testPids(t *testing.T, d *docker.Driver, s runtime.Spec) {
	s.Cmd = []string{"fork", "500"}
	id, _ := running(t, d, s)
	m := logLine(t, d, id, regexp.MustCompile(`fork: started (\d+) of 500(.*)`))
	if n, _ := strconv.Atoi(m[1]); n >= 100 || !strings.Contains(m[2], "resource temporarily unavailable") {
		t.Errorf("fork 500 under pids 100: %q", m[0])
	}
	if out, err := exec.Command("true").CombinedOutput(); err != nil {
		t.Errorf("host cannot fork: %v %s", err, out)
	}
	if st, err := d.Inspect(context.Background(), id); err != nil || !st.Running {
		t.Errorf("after the fork bomb: %+v, %v", st, err)
	}
}

// testOOM: touching 1 GiB under a 256 MiB limit gets the process killed.
func testOOM(t *testing.T, d *docker.Driver, s runtime.Spec) {
	s.Cmd = []string{"alloc", "1024"}
	id, ch := running(t, d, s)
	res := <-ch
	st, err := d.Inspect(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if res.Err != nil || res.ExitCode != 137 || st.ExitCode != 137 {
		t.Errorf("alloc 1024 under 256m: Wait %+v, Inspect %+v; want exit 137", res, st)
	}
	if !res.OOMKilled || !st.OOMKilled {
		// Some engines (cgroup v2 before Docker 23) lose the OOM event.
		t.Logf("exit 137 but OOMKilled not reported: Wait %+v, Inspect %+v", res, st)
	}
}

// TestNetworkRace: drivers in different processes know nothing of each
// other's lock; several creating the same missing network at once must
// still end with one network that every container is on.
func TestNetworkRace(t *testing.T) {
	c := engine(t)
	img := testbot(t, c)
	sc := newScope(t, c)
	const n = 6
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			d := docker.NewIsolated(c, logger(t)) // its own lock, like another process
			id, err := d.Create(context.Background(), hardened(img, sc, "race"+strconv.Itoa(i), "sleep"))
			if err != nil {
				t.Errorf("Create %d: %v", i, err)
				return
			}
			ids[i] = id
			// Start resolves the network by name, which is ambiguous until
			// the losers have removed their duplicates.
			if err := d.Start(context.Background(), id); err != nil {
				t.Errorf("Start %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	netIDs := networksNamed(t, c, sc.Network)
	if len(netIDs) != 1 {
		t.Fatalf("%d networks named %s after the race, want 1", len(netIDs), sc.Network)
	}
	for i, id := range ids {
		if id == "" {
			continue
		}
		// What counts is where the running container is attached: the
		// engine resolves the network by name at start, so HostConfig may
		// still name a duplicate that lost the race and is gone.
		on := attachedTo(t, c, id)
		if len(on) != 1 || !netIDs[on[0]] {
			t.Errorf("container %d is attached to %v, not (only) the surviving network", i, on)
		}
	}
}

// attachedTo returns the IDs of the networks container id is attached to.
func attachedTo(t *testing.T, c *client.Client, id string) []string {
	t.Helper()
	res, err := c.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var on []string
	for _, ep := range res.Container.NetworkSettings.Networks {
		on = append(on, ep.NetworkID)
	}
	return on
}

// networksNamed returns the IDs of the networks named exactly name, and
// checks they are botrunner's bridges.
func networksNamed(t *testing.T, c *client.Client, name string) map[string]bool {
	nets, err := c.NetworkList(context.Background(), client.NetworkListOptions{Filters: make(client.Filters).Add("name", name)})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, nw := range nets.Items {
		if nw.Name != name {
			continue
		}
		ids[nw.ID] = true
		if nw.Labels[docker.NetworkLabel] != "1" || nw.Driver != "bridge" {
			t.Errorf("network %s: driver %s, labels %v", nw.Name, nw.Driver, nw.Labels)
		}
	}
	return ids
}
