package docker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
)

func netSummary(id, name string, createdSec int64) network.Summary {
	var s network.Summary
	s.ID, s.Name, s.Created = id, name, time.Unix(createdSec, 0)
	return s
}

// labelled marks a network as created by this package.
func labelled(n network.Summary) network.Summary {
	n.Labels = map[string]string{NetworkLabel: "1"}
	return n
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

func botSpec() runtime.Spec {
	return runtime.Spec{
		Name:    "botrunner-my-bot-v3",
		Image:   "botrunner/my-bot:v3",
		Cmd:     []string{"python", "-u", "bot.py"},
		Env:     []string{"TOKEN=x"},
		Labels:  runtime.Labels("my-bot", "alice", 3),
		Limits:  runtime.Limits{Memory: 128 << 20, NanoCPUs: 250_000_000, Pids: 50},
		Network: "bots",
		User:    "1000:1000",
	}
}

func newTestDriver(f *fakeClient) *Driver {
	if f.nets == nil {
		f.nets = []network.Summary{netSummary("net-bots", "bots", 1)}
	}
	return New(f, nil)
}

func TestCreateTranslation(t *testing.T) {
	f := &fakeClient{}
	if _, err := newTestDriver(f).Create(context.Background(), botSpec()); err != nil {
		t.Fatal(err)
	}
	o := f.created[0]
	cfg, hc := o.Config, o.HostConfig
	for _, c := range []struct {
		what string
		ok   bool
	}{
		{"name", o.Name == "botrunner-my-bot-v3"},
		{"image", cfg.Image == "botrunner/my-bot:v3"},
		{"cmd", slices.Equal(cfg.Cmd, []string{"python", "-u", "bot.py"})},
		{"env", slices.Equal(cfg.Env, []string{"TOKEN=x"})},
		{"labels", maps.Equal(cfg.Labels, runtime.Labels("my-bot", "alice", 3))},
		{"user", cfg.User == "1000:1000"},
		{"no exposed ports", len(cfg.ExposedPorts) == 0 && len(cfg.Volumes) == 0},
		{"memory", hc.Memory == 128<<20},
		{"memory-swap = memory", hc.MemorySwap == 128<<20},
		{"nano cpus", hc.NanoCPUs == 250_000_000},
		{"pids", hc.PidsLimit != nil && *hc.PidsLimit == 50},
		{"network by ID", hc.NetworkMode == "net-bots" && o.NetworkingConfig.EndpointsConfig["net-bots"] != nil &&
			len(o.NetworkingConfig.EndpointsConfig) == 1},
		{"no-new-privileges", slices.Equal(hc.SecurityOpt, []string{"no-new-privileges"})},
		{"cap drop ALL", slices.Equal(hc.CapDrop, []string{"ALL"})},
		{"cap add NET_BIND_SERVICE", slices.Equal(hc.CapAdd, []string{"NET_BIND_SERVICE"})},
		{"read-only rootfs", hc.ReadonlyRootfs},
		{"tmpfs /tmp", maps.Equal(hc.Tmpfs, map[string]string{"/tmp": "rw,noexec,nosuid,size=64m"})},
		{"json-file logs", hc.LogConfig.Type == "json-file" &&
			maps.Equal(hc.LogConfig.Config, map[string]string{"max-size": "10m", "max-file": "3"})},
		{"restart no", hc.RestartPolicy.Name == container.RestartPolicyDisabled},
		{"no mounts", len(hc.Binds) == 0 && len(hc.Mounts) == 0 && len(hc.VolumesFrom) == 0},
		{"no ports", len(hc.PortBindings) == 0 && !hc.PublishAllPorts},
		{"not privileged", !hc.Privileged && len(hc.Devices) == 0 && hc.PidMode == "" && hc.IpcMode == ""},
		{"no auto-remove", !hc.AutoRemove},
	} {
		if !c.ok {
			t.Errorf("%s: config %+v host %+v", c.what, cfg, hc)
		}
	}
}

func TestCreateDefaults(t *testing.T) {
	f := &fakeClient{nets: []network.Summary{netSummary("net-default", runtime.DefaultNetwork, 1)}}
	s := botSpec()
	s.Limits, s.Network = runtime.Limits{}, ""
	if _, err := New(f, nil).Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	hc := f.created[0].HostConfig
	if hc.Memory != 256<<20 || hc.MemorySwap != 256<<20 || hc.NanoCPUs != 5e8 || *hc.PidsLimit != 100 {
		t.Errorf("zero limits did not become the defaults: %+v", hc.Resources)
	}
	if hc.NetworkMode != "net-default" {
		t.Errorf("network = %s, want the default network's ID", hc.NetworkMode)
	}
}

// TestCreateRefusesEarly: a bad spec never reaches the engine.
func TestCreateRefusesEarly(t *testing.T) {
	for name, tc := range map[string]struct {
		mut  func(*runtime.Spec)
		want error
	}{
		"root":       {func(s *runtime.Spec) { s.User = "root" }, runtime.ErrRootUser},
		"no user":    {func(s *runtime.Spec) { s.User = "" }, runtime.ErrRootUser},
		"uid 0":      {func(s *runtime.Spec) { s.User = "0:1000" }, runtime.ErrRootUser},
		"tmpfs opts": {func(s *runtime.Spec) { s.TmpfsSize = "1g,exec" }, runtime.ErrInvalidSpec},
		"host net":   {func(s *runtime.Spec) { s.Network = "host" }, runtime.ErrInvalidSpec},
	} {
		f := &fakeClient{}
		s := botSpec()
		tc.mut(&s)
		if _, err := newTestDriver(f).Create(context.Background(), s); !errors.Is(err, tc.want) {
			t.Errorf("%s: Create = %v, want %v", name, err, tc.want)
		}
		if len(f.calls) != 0 {
			t.Errorf("%s: engine was called: %v", name, f.calls)
		}
	}
}

func TestCreateNetwork(t *testing.T) {
	for name, tc := range map[string]struct {
		nets      []network.Summary
		createErr error
		whileLock bool // another process makes the network while we wait for the lock
		wantMode  string
		wantNew   bool
		wantRm    []string
	}{
		"exists":               {nets: []network.Summary{netSummary("n1", "bots", 1)}, wantMode: "n1"},
		"substring only":       {nets: []network.Summary{netSummary("n2", "bots-old", 1)}, wantMode: "net-ours", wantNew: true},
		"missing":              {nets: []network.Summary{}, wantMode: "net-ours", wantNew: true},
		"duplicates exist":     {nets: []network.Summary{netSummary("b", "bots", 5), netSummary("a", "bots", 5), netSummary("c", "bots", 2)}, wantMode: "c"},
		"stale duplicate":      {nets: []network.Summary{netSummary("c", "bots", 2), labelled(netSummary("d", "bots", 7))}, wantMode: "c", wantRm: []string{"d"}},
		"made while we waited": {nets: []network.Summary{}, whileLock: true, wantMode: "net-theirs"},
		"conflict (API 1.44+)": {nets: []network.Summary{}, createErr: fmt.Errorf("exists: %w", cerrdefs.ErrConflict),
			wantMode: "net-theirs"},
	} {
		f := &fakeClient{nets: tc.nets}
		if tc.createErr != nil {
			// An engine that refuses duplicates, racing a process without the lock.
			f.errs = map[string]error{"NetworkCreate": tc.createErr}
			f.onCreate = func(f *fakeClient, o client.ContainerCreateOptions) {
				if isLock(o) {
					f.nets = append(f.nets, netSummary("net-theirs", "bots", 1))
				}
			}
			f.nets = nil
		}
		if tc.whileLock {
			f.onCreate = func(f *fakeClient, o client.ContainerCreateOptions) {
				if isLock(o) {
					f.nets = append(f.nets, netSummary("net-theirs", "bots", 1))
				}
			}
		}
		if _, err := New(f, nil).Create(context.Background(), botSpec()); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		o := f.created[len(f.created)-1]
		if string(o.HostConfig.NetworkMode) != tc.wantMode || o.NetworkingConfig.EndpointsConfig[tc.wantMode] == nil {
			t.Errorf("%s: network mode %s, want %s", name, o.HostConfig.NetworkMode, tc.wantMode)
		}
		if created := len(f.netCreated) == 1; created != tc.wantNew {
			t.Errorf("%s: network created = %v, want %v", name, created, tc.wantNew)
		} else if created && (f.netCreated[0].Driver != "bridge" || f.netCreated[0].Labels[NetworkLabel] != "1") {
			t.Errorf("%s: network created with %+v", name, f.netCreated[0])
		}
		if !slices.Equal(f.netRemoved, tc.wantRm) {
			t.Errorf("%s: networks removed %v, want %v", name, f.netRemoved, tc.wantRm)
		}
		if locks := slices.IndexFunc(f.created, isLock) >= 0; locks != (tc.wantNew || tc.whileLock || tc.createErr != nil) {
			t.Errorf("%s: engine lock taken = %v; it is needed exactly when the network is missing", name, locks)
		}
		if len(f.created) > 1 && !slices.Contains(f.removed, "c1") {
			t.Errorf("%s: engine lock never released (removed %v)", name, f.removed)
		}
	}
}

func isLock(o client.ContainerCreateOptions) bool { return o.Config.Labels[LockLabel] != "" }

// TestEngineLock: a held lock is waited for; one older than any holder
// keeps it is broken; an unrelated container of that name is never removed.
func TestEngineLock(t *testing.T) {
	busy := fmt.Errorf("name in use: %w", cerrdefs.ErrConflict)
	for name, tc := range map[string]struct {
		labels  map[string]string
		created time.Time
		busy    int // create attempts refused before ours succeeds
		wantRm  []string
	}{
		"held":    {labels: map[string]string{LockLabel: "net-bots"}, created: time.Now(), busy: 3, wantRm: []string{"c1"}},
		"stale":   {labels: map[string]string{LockLabel: "net-bots"}, created: time.Now().Add(-time.Hour), busy: 1, wantRm: []string{"botrunner-lock-net-bots", "c1"}},
		"foreign": {labels: map[string]string{"x": "1"}, created: time.Now().Add(-time.Hour), busy: 2, wantRm: []string{"c1"}},
	} {
		f := &fakeClient{createErrs: slices.Repeat([]error{busy}, tc.busy)}
		f.inspected = container.InspectResponse{Config: &container.Config{Labels: tc.labels}, Created: tc.created.Format(time.RFC3339Nano)}
		d := New(f, nil)
		unlock, err := d.engineLock(context.Background(), "net-bots", "img")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		unlock()
		if len(f.created) != 1 || f.created[0].Name != "botrunner-lock-net-bots" || f.created[0].Config.Image != "img" {
			t.Errorf("%s: lock containers %+v", name, f.created)
		}
		if got := slices.DeleteFunc(slices.Clone(f.removed), func(s string) bool { return s == "" }); !slices.Equal(got, tc.wantRm) {
			t.Errorf("%s: removed %v, want %v", name, got, tc.wantRm)
		}
	}
	f := &fakeClient{createErrs: []error{busy}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(f, nil).engineLock(ctx, "k", "img"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}

func TestCreateNoNetwork(t *testing.T) {
	f := &fakeClient{}
	s := botSpec()
	s.Network = "none"
	if _, err := New(f, nil).Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if o := f.created[0]; o.HostConfig.NetworkMode != "none" || o.NetworkingConfig != nil || slices.Contains(f.calls, "NetworkList") {
		t.Errorf("network none: mode %s, config %+v, calls %v", o.HostConfig.NetworkMode, o.NetworkingConfig, f.calls)
	}
}

// TestCreateNetworkGone: when the network the driver chose is gone by the
// time the engine makes the container (the engine then files it under the
// bare ID, and it can never start), the container is removed and made
// again on the network that is there now; a network that keeps vanishing
// ends in ErrNetworkGone with nothing left behind.
func TestCreateNetworkGone(t *testing.T) {
	for name, tc := range map[string]struct {
		vanish   int // creates after which the chosen network is replaced
		wantErr  error
		wantMade int
		wantRm   int // containers removed
	}{
		"once":   {vanish: 1, wantMade: 2, wantRm: 1},
		"always": {vanish: 100, wantErr: ErrNetworkGone, wantMade: createAttempts, wantRm: createAttempts},
	} {
		f := &fakeClient{nets: []network.Summary{netSummary("net-0", "bots", 1)}}
		made := 0
		f.onCreate = func(f *fakeClient, o client.ContainerCreateOptions) {
			if made++; made <= tc.vanish {
				f.nets = []network.Summary{netSummary(fmt.Sprintf("net-%d", made), "bots", 1)}
			}
		}
		id, err := New(f, nil).Create(context.Background(), botSpec())
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: Create = %q, %v; want %v", name, id, err, tc.wantErr)
		}
		if len(f.created) != tc.wantMade {
			t.Errorf("%s: %d containers made, want %d", name, len(f.created), tc.wantMade)
		}
		for i, o := range f.created {
			if want := fmt.Sprintf("net-%d", i); string(o.HostConfig.NetworkMode) != want {
				t.Errorf("%s: container %d made on %s, want %s", name, i, o.HostConfig.NetworkMode, want)
			}
		}
		if len(f.removed) != tc.wantRm {
			t.Errorf("%s: removed %v, want %d containers", name, f.removed, tc.wantRm)
		}
	}
}
