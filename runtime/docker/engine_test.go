package docker

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
)

// engineWith is a fake engine whose /info and /version describe runtime rt
// with runc version ver (a Components entry, "" for none) and build.
func engineWith(rt, ver, build string) *fakeClient {
	f := &fakeClient{}
	f.info = system.Info{ServerVersion: "20.10.24", DefaultRuntime: rt, Driver: "overlay2",
		RuncCommit: system.Commit{ID: build}, LiveRestoreEnabled: true,
		Runtimes: map[string]system.RuntimeWithStatus{rt: {}, "runc": {}}}
	f.version = client.ServerVersionResult{Version: "20.10.24", APIVersion: "1.41"}
	if ver != "" {
		f.version.Components = []system.ComponentVersion{
			{Name: "containerd", Version: "1.6.20"},
			{Name: "runc", Version: ver, Details: map[string]string{"GitCommit": build}},
		}
	}
	return f
}

// TestEngineRunc: the engine's runc version is read and checked against
// CVE-2024-21626's fix (1.1.12), distribution builds with the fix pass.
func TestEngineRunc(t *testing.T) {
	tests := []struct {
		name, runtime, version, build string
		want                          error
	}{
		{"upstream fixed", "runc", "1.1.12", "v1.1.12-0-g51d5e94", nil},
		{"later minor", "runc", "1.2.0", "v1.2.0-0-g0b9fa21", nil},
		{"later major", "io.containerd.runc.v2", "2.0.1", "v2.0.1-0-g1b2c3d4", nil},
		{"rc after the fix", "runc", "1.2.0-rc.1", "v1.2.0-rc.1", nil},
		{"debian bookworm patched", "runc", "1.1.5+ds1", "1.1.5+ds1-1+deb12u1", nil},
		{"debian bookworm later update", "runc", "1.1.5+ds1", "1.1.5+ds1-1+deb12u12", nil},
		{"only the commit says", "runc", "", "1.1.12", nil},
		{"one release short", "runc", "1.1.11", "v1.1.11-0-g4bccb38", ErrVulnerableRunc},
		{"debian unpatched", "runc", "1.1.5+ds1", "1.1.5+ds1-1", ErrVulnerableRunc},
		{"debian lookalike", "runc", "1.1.5+ds1", "1.1.5+ds1-1+deb12u0", ErrVulnerableRunc},
		{"old rc", "runc", "1.0.0-rc93", "12644e614e25b05da6fd08a38ffa0cfe1903fdec", ErrVulnerableRunc},
		{"debian rc", "runc", "1.0.0~rc93+ds1", "1.0.0~rc93+ds1-5+deb11u2", ErrVulnerableRunc},
		{"no version at all", "runc", "", "", ErrUnknownRunc},
		{"a commit hash only", "runc", "", "51d5e94601ceffbbd85688df1c928ecccbfa4685", ErrUnknownRunc},
		{"another runtime", "runsc", "1.1.12", "v1.1.12", ErrUnknownRunc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New(engineWith(tt.runtime, tt.version, tt.build), nil)
			e, err := d.Engine(context.Background())
			if err != nil {
				t.Fatalf("Engine: %v", err)
			}
			if e.RuncBuild != tt.build || e.Runtime != tt.runtime || e.StorageDriver != "overlay2" || !e.LiveRestore ||
				!slices.Contains(e.Runtimes, tt.runtime) {
				t.Errorf("Engine = %+v", e)
			}
			err = e.CheckRunc()
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("CheckRunc = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestEngineUnreachable: a failed /info or /version is an error, not an
// engine that passes.
func TestEngineUnreachable(t *testing.T) {
	for _, call := range []string{"Info", "ServerVersion"} {
		f := engineWith("runc", "1.1.12", "v1.1.12")
		f.errs = map[string]error{call: errors.New("connection refused")}
		if _, err := New(f, nil).Engine(context.Background()); err == nil {
			t.Errorf("%s failing: Engine = nil error", call)
		}
	}
}
