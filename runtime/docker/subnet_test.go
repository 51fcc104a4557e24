package docker

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/network"

	"github.com/botrunner/botrunner/hint"
)

func TestParsePool(t *testing.T) {
	for in, want := range map[string]string{
		"10.213.0.0/16":                  "[10.213.0.0/16]",
		" 10.213.1.7/24 , 100.65.0.0/28": "[10.213.1.0/24 100.65.0.0/28]",
	} {
		got, err := ParsePool(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if s := fmtPrefixes(got); s != want {
			t.Errorf("%q: got %s, want %s", in, s, want)
		}
	}
	for _, bad := range []string{"", " , ", "10.0.0.0/29", "fd00::/64", "10.0.0.0", "nonsense/16"} {
		if _, err := ParsePool(bad); !errors.Is(err, ErrBadPool) {
			t.Errorf("%q: got %v, want %s", bad, err, ErrBadPool.Code)
		}
	}
}

func fmtPrefixes(ps []netip.Prefix) string {
	s := "["
	for i, p := range ps {
		if i > 0 {
			s += " "
		}
		s += p.String()
	}
	return s + "]"
}

func TestFreeSubnet(t *testing.T) {
	pool := []netip.Prefix{netip.MustParsePrefix("10.213.0.0/26"), netip.MustParsePrefix("10.214.0.0/28")}
	for name, tc := range map[string]struct {
		used string
		want string
	}{
		"empty":                   {"", "10.213.0.0/28"},
		"first taken":             {"10.213.0.0/28", "10.213.0.16/28"},
		"a larger net covers two": {"10.213.0.0/27", "10.213.0.32/28"},
		"a foreign net inside":    {"10.213.0.0/28,10.213.0.20/30", "10.213.0.32/28"},
		"first range full":        {"10.213.0.0/24", "10.214.0.0/28"},
		"someone's /8 covers all": {"10.0.0.0/8", ""},
		"unrelated":               {"172.17.0.0/16,192.168.0.0/20", "10.213.0.0/28"},
	} {
		var used []netip.Prefix
		if tc.used != "" {
			for _, u := range strings.Split(tc.used, ",") {
				used = append(used, netip.MustParsePrefix(u))
			}
		}
		got, ok := freeSubnet(pool, used)
		if tc.want == "" {
			if ok {
				t.Errorf("%s: got %s, want none", name, got)
			}
			continue
		}
		if !ok || got.String() != tc.want {
			t.Errorf("%s: got %s %v, want %s", name, got, ok, tc.want)
		}
	}
}

func TestCreateIsolatedNetwork(t *testing.T) {
	f := &fakeClient{nets: []network.Summary{}}
	d := New(f, nil)
	d.IsolateNetworks([]netip.Prefix{netip.MustParsePrefix("10.213.0.0/27")})
	for i, want := range []string{"10.213.0.0/28", "10.213.0.16/28"} {
		s := botSpec()
		s.Network = "app" + string(rune('a'+i))
		if _, err := d.Create(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		o := f.netCreated[i]
		if o.IPAM == nil || len(o.IPAM.Config) != 1 || o.IPAM.Config[0].Subnet.String() != want {
			t.Fatalf("network %d: IPAM %+v, want subnet %s", i, o.IPAM, want)
		}
		if o.Options[iccOption] != "false" || o.Labels[IsolatedLabel] != "1" || o.Labels[NetworkLabel] != "1" {
			t.Errorf("network %d: options %v labels %v", i, o.Options, o.Labels)
		}
	}
	s := botSpec()
	s.Network = "appc"
	_, err := d.Create(context.Background(), s)
	var h *hint.Error
	if !errors.Is(err, ErrNoSubnet) || !errors.As(err, &h) {
		t.Fatalf("pool used up: got %v, want %s", err, ErrNoSubnet.Code)
	}
	if len(f.netCreated) != 2 {
		t.Errorf("%d networks created, want 2", len(f.netCreated))
	}
}

func TestRemoveNetwork(t *testing.T) {
	f := &fakeClient{nets: []network.Summary{labelled(netSummary("n1", "app", 1)), netSummary("n2", "app", 1), labelled(netSummary("n3", "app-2", 1))}}
	if err := New(f, nil).RemoveNetwork(context.Background(), "app"); err != nil {
		t.Fatal(err)
	}
	if len(f.netRemoved) != 1 || f.netRemoved[0] != "n1" {
		t.Errorf("removed %v, want only our n1", f.netRemoved)
	}
}

// A network by the app's name that gitd did not make isolated is refused:
// bots on it might reach each other.
func TestCreateRefusesForeignNetwork(t *testing.T) {
	f := &fakeClient{nets: []network.Summary{labelled(netSummary("n1", "app", 1))}}
	d := New(f, nil)
	d.IsolateNetworks([]netip.Prefix{netip.MustParsePrefix("10.213.0.0/27")})
	s := botSpec()
	s.Network = "app"
	if _, err := d.Create(context.Background(), s); !errors.Is(err, ErrNotIsolated) {
		t.Fatalf("got %v, want %s", err, ErrNotIsolated.Code)
	}
	if len(f.netCreated) != 0 {
		t.Errorf("a network was created")
	}
}

// EnsureNetwork makes an app's network before any container of the app
// exists (a build's steps run on it): isolated as Create would make it,
// under the engine lock held by a container of any local image, and only
// once.
func TestEnsureNetwork(t *testing.T) {
	f := &fakeClient{nets: []network.Summary{}, images: []string{"sha256:aaaa"}}
	d := New(f, nil)
	d.IsolateNetworks([]netip.Prefix{netip.MustParsePrefix("10.213.0.0/27")})
	id, err := d.EnsureNetwork(context.Background(), "botrunner-app-x")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.netCreated) != 1 || f.netCreated[0].Options[iccOption] != "false" ||
		f.netCreated[0].IPAM == nil || f.netCreated[0].IPAM.Config[0].Subnet.String() != "10.213.0.0/28" {
		t.Fatalf("created %+v, want one isolated network on 10.213.0.0/28", f.netCreated)
	}
	if len(f.created) != 1 || f.created[0].Config.Image != "sha256:aaaa" || f.created[0].Config.Labels[LockLabel] == "" {
		t.Errorf("lock containers %+v, want one of image sha256:aaaa", f.created)
	}
	again, err := d.EnsureNetwork(context.Background(), "botrunner-app-x")
	if err != nil || again != id || len(f.netCreated) != 1 {
		t.Errorf("second call: %q %v (first %q), %d networks created, want the same one", again, err, id, len(f.netCreated))
	}
}

// An engine with no image at all cannot hold the engine lock: the network
// is made under this process's lock alone.
func TestEnsureNetworkWithoutImages(t *testing.T) {
	f := &fakeClient{nets: []network.Summary{}}
	d := New(f, nil)
	d.IsolateNetworks([]netip.Prefix{netip.MustParsePrefix("10.213.0.0/27")})
	if _, err := d.EnsureNetwork(context.Background(), "botrunner-app-x"); err != nil {
		t.Fatal(err)
	}
	if len(f.netCreated) != 1 || len(f.created) != 0 {
		t.Errorf("%d networks and %d lock containers created, want 1 and 0", len(f.netCreated), len(f.created))
	}
}
