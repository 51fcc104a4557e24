package firewall

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func testConfig() Config {
	return Config{
		Instance: "0123456789abcdef",
		Bots:     []netip.Prefix{netip.MustParsePrefix("10.213.0.0/16")},
		DNS:      []netip.Addr{netip.MustParseAddr("10.255.255.53")},
		Allow: []Allow{
			{Net: netip.MustParsePrefix("192.168.1.5/32"), Port: 8081},
			{Host: true, Port: 8082},
		},
	}
}

func TestRestore(t *testing.T) {
	got := testConfig().Restore()
	want := `*filter
:BOTRUNNER-01234567-FWD - [0:0]
:BOTRUNNER-01234567-IN - [0:0]
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 192.168.1.5/32 -p tcp --dport 8081 -j RETURN
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 192.168.1.5/32 -p udp --dport 8081 -j RETURN
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 10.255.255.53/32 -p tcp --dport 53 -j RETURN
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 10.255.255.53/32 -p udp --dport 53 -j RETURN
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 0.0.0.0/8 -j DROP
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 10.0.0.0/8 -j DROP
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 100.64.0.0/10 -j DROP
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 127.0.0.0/8 -j DROP
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 169.254.0.0/16 -j DROP
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 172.16.0.0/12 -j DROP
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 192.0.0.0/24 -j DROP
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 192.168.0.0/16 -j DROP
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 198.18.0.0/15 -j DROP
-A BOTRUNNER-01234567-FWD -s 10.213.0.0/16 -d 224.0.0.0/3 -j DROP
-A BOTRUNNER-01234567-IN -s 10.213.0.0/16 -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
-A BOTRUNNER-01234567-IN -s 10.213.0.0/16 -p tcp --dport 8082 -j RETURN
-A BOTRUNNER-01234567-IN -s 10.213.0.0/16 -p udp --dport 8082 -j RETURN
-A BOTRUNNER-01234567-IN -s 10.213.0.0/16 -d 10.255.255.53/32 -p tcp --dport 53 -j RETURN
-A BOTRUNNER-01234567-IN -s 10.213.0.0/16 -d 10.255.255.53/32 -p udp --dport 53 -j RETURN
-A BOTRUNNER-01234567-IN -s 10.213.0.0/16 -j DROP
COMMIT
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A pool outside the blocked ranges is blocked as a destination too: one
// app's bots must not reach another's.
func TestRestorePublicPool(t *testing.T) {
	c := Config{Instance: "i", Bots: []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}}
	if r := c.Restore(); !strings.Contains(r, "-s 198.51.100.0/24 -d 198.51.100.0/24 -j DROP\n") {
		t.Errorf("pool not blocked:\n%s", r)
	}
	c.Bots = []netip.Prefix{netip.MustParsePrefix("10.213.0.0/16")}
	if r := c.Restore(); strings.Contains(r, "-d 10.213.0.0/16") {
		t.Errorf("pool inside 10/8 blocked twice:\n%s", r)
	}
}

func TestChainNames(t *testing.T) {
	fwd, in := Config{Instance: "ffffffffffffffff"}.Chains()
	if len(fwd) > 28 || len(in) > 28 || fwd == in {
		t.Errorf("chains %q %q: iptables allows 28 characters", fwd, in)
	}
}

func TestParseAllow(t *testing.T) {
	got, err := ParseAllow(" 192.168.1.5:8081, 10.1.0.0/16 ,host:8082,203.0.113.9")
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, a := range got {
		s = append(s, a.String())
	}
	if want := []string{"192.168.1.5/32:8081", "10.1.0.0/16", "host:8082", "203.0.113.9/32"}; !slices.Equal(s, want) {
		t.Errorf("got %v, want %v", s, want)
	}
	for _, bad := range []string{"host", "host:0", "10.0.0.1:99999", "fd00::1", "example.org:443", "10.0.0.0/33"} {
		if _, err := ParseAllow(bad); !errors.Is(err, ErrBadAllow) {
			t.Errorf("%q: got %v, want %s", bad, err, ErrBadAllow.Code)
		}
	}
}

func TestResolvers(t *testing.T) {
	p := filepath.Join(t.TempDir(), "resolv.conf")
	conf := "# x\nnameserver 10.255.255.53\nnameserver 127.0.0.53\nnameserver ::1\nnameserver 1.1.1.1\nsearch lan\n"
	if err := os.WriteFile(p, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Resolvers(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []netip.Addr{netip.MustParseAddr("10.255.255.53"), netip.MustParseAddr("1.1.1.1")}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// fakeIptables records calls; jumps lists the jump rules that exist.
type fakeIptables struct {
	calls []string
	jumps map[string]int
	fail  string // a call prefix that fails
}

func (f *fakeIptables) run(_ context.Context, _ string, args ...string) ([]byte, error) {
	call := strings.Join(args, " ")
	f.calls = append(f.calls, call)
	if f.fail != "" && strings.HasPrefix(call, f.fail) {
		return nil, errors.New("permission denied")
	}
	rule := strings.Join(args[3:], " ")
	switch {
	case args[0] == "iptables" && args[2] == "-C" && f.jumps[rule] == 0:
		return nil, errors.New("no such rule")
	case args[0] == "iptables" && args[2] == "-I":
		f.jumps[args[3]+" "+strings.Join(args[5:], " ")]++
	case args[0] == "iptables" && args[2] == "-D":
		if f.jumps[rule] == 0 {
			return nil, errors.New("no such rule")
		}
		f.jumps[rule]--
	}
	return nil, nil
}

func TestApplyIdempotent(t *testing.T) {
	f := &fakeIptables{jumps: map[string]int{}}
	c := testConfig()
	for range 2 {
		if err := c.Apply(context.Background(), f.run); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{"DOCKER-USER -j BOTRUNNER-01234567-FWD": 1, "INPUT -j BOTRUNNER-01234567-IN": 1}
	for k, n := range want {
		if f.jumps[k] != n {
			t.Errorf("jump %q: %d, want %d (all: %v)", k, f.jumps[k], n, f.jumps)
		}
	}
	if err := c.Remove(context.Background(), f.run); err != nil {
		t.Fatal(err)
	}
	for k, n := range f.jumps {
		if n != 0 {
			t.Errorf("jump %q left after Remove", k)
		}
	}
	for _, call := range f.calls {
		if strings.Contains(call, " -F ") || strings.Contains(call, " -X ") {
			if !strings.Contains(call, "BOTRUNNER-01234567-") {
				t.Errorf("touched a chain not ours: %s", call)
			}
		}
	}
}

func TestApplyUnavailable(t *testing.T) {
	for _, fail := range []string{"iptables -w -n -L DOCKER-USER", "iptables-restore", "iptables -w -I"} {
		f := &fakeIptables{jumps: map[string]int{}, fail: fail}
		if err := testConfig().Apply(context.Background(), f.run); !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s fails: got %v, want %s", fail, err, ErrUnavailable.Code)
		}
	}
}

func TestScript(t *testing.T) {
	s := testConfig().Script()
	for _, want := range []string{
		"iptables-restore -w --noflush <<'EOF'\n*filter\n",
		"COMMIT\nEOF\n",
		"iptables -w -C DOCKER-USER -j BOTRUNNER-01234567-FWD 2>/dev/null || iptables -w -I DOCKER-USER 1 -j BOTRUNNER-01234567-FWD\n",
		"iptables -w -C INPUT -j BOTRUNNER-01234567-IN 2>/dev/null || iptables -w -I INPUT 1 -j BOTRUNNER-01234567-IN\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
}
