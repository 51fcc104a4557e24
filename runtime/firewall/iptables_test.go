package firewall

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// TestApplyHost sets a test instance's chains on the host's real iptables
// (root and a Docker Engine that manages iptables), twice, and removes
// them. Its pool is a test-only /28 no container uses.
func TestApplyHost(t *testing.T) {
	ci.NeedTools(t, "iptables", "iptables-restore")
	if os.Geteuid() != 0 {
		ci.Missing(t, "iptables needs root")
	}
	ctx := context.Background()
	if _, err := Exec(ctx, "", "iptables", "-w", "-n", "-L", "DOCKER-USER"); err != nil {
		ci.Missing(t, "no DOCKER-USER chain: "+err.Error())
	}
	raw := make([]byte, 4)
	_, _ = rand.Read(raw)
	c := Config{Instance: "t" + hex.EncodeToString(raw)[:7], Bots: []netip.Prefix{netip.MustParsePrefix("10.254.250.0/28")},
		Allow: []Allow{{Host: true, Port: 9}}}
	t.Cleanup(func() { _ = c.Remove(context.Background(), Exec) })
	for range 2 {
		if err := c.Apply(ctx, Exec); err != nil {
			t.Fatal(err)
		}
	}
	fwd, in := c.Chains()
	for parent, chain := range map[string]string{"DOCKER-USER": fwd, "INPUT": in} {
		if n := strings.Count(list(t, parent), "-j "+chain+"\n"); n != 1 {
			t.Errorf("%s jumps to %s %d times, want once", parent, chain, n)
		}
	}
	want := strings.Count(c.Restore(), "-A "+fwd+" ")
	if got := strings.Count(list(t, fwd), "-A "+fwd+" "); got != want {
		t.Errorf("%s has %d rules, want %d", fwd, got, want)
	}
	if err := c.Remove(ctx, Exec); err != nil {
		t.Fatal(err)
	}
	if _, err := Exec(ctx, "", "iptables", "-w", "-n", "-L", fwd); err == nil {
		t.Errorf("%s still exists after Remove", fwd)
	}
	if s := list(t, "DOCKER-USER") + list(t, "INPUT"); strings.Contains(s, "BOTRUNNER-"+c.Instance) {
		t.Errorf("a jump is left:\n%s", s)
	}
}

func list(t *testing.T, chain string) string {
	t.Helper()
	out, err := Exec(context.Background(), "", "iptables", "-w", "-S", chain)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
