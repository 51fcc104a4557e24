package firewall

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
)

// Runner runs one iptables program (args[0]) with stdin, returning its
// combined output.
type Runner func(ctx context.Context, stdin string, args ...string) ([]byte, error)

// Exec runs the host's iptables programs.
func Exec(ctx context.Context, stdin string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return out, nil
}

// Apply creates or refreshes the instance's chains and makes sure each is
// jumped to once, first in its parent. It needs the engine's DOCKER-USER
// chain (a Docker Engine that manages iptables); without it, or without
// the right to run iptables, the error is ErrUnavailable.
func (c Config) Apply(ctx context.Context, run Runner) error {
	if _, err := run(ctx, "", "iptables", "-w", "-n", "-L", "DOCKER-USER"); err != nil {
		return ErrUnavailable.With("cannot read iptables chain DOCKER-USER: "+err.Error(), err)
	}
	if _, err := run(ctx, c.Restore(), "iptables-restore", "-w", "--noflush"); err != nil {
		return ErrUnavailable.With("cannot load the bot firewall: "+err.Error(), err)
	}
	for _, j := range c.Jumps() {
		if _, err := run(ctx, "", cat([]string{"iptables", "-w", "-C"}, j...)...); err == nil {
			continue
		}
		if _, err := run(ctx, "", cat([]string{"iptables", "-w", "-I", j[0], "1"}, j[1:]...)...); err != nil {
			return ErrUnavailable.With("cannot jump to the bot firewall: "+err.Error(), err)
		}
	}
	return nil
}

// Remove deletes the instance's jumps and chains; what is already gone is
// no error. Nothing else is touched.
func (c Config) Remove(ctx context.Context, run Runner) error {
	for _, j := range c.Jumps() {
		for range 16 { // a jump added twice by hand goes too
			if _, err := run(ctx, "", cat([]string{"iptables", "-w", "-D"}, j...)...); err != nil {
				break
			}
		}
	}
	fwd, in := c.Chains()
	var errs []string
	for _, ch := range []string{fwd, in} {
		if _, err := run(ctx, "", "iptables", "-w", "-n", "-L", ch); err != nil {
			continue // not there
		}
		for _, op := range []string{"-F", "-X"} {
			if _, err := run(ctx, "", "iptables", "-w", op, ch); err != nil {
				errs = append(errs, err.Error())
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("remove bot firewall: %s", strings.Join(errs, "; "))
	}
	return nil
}

// Script is what an admin runs as root on the Docker host when gitd cannot
// (after every start of the Docker Engine and change of gitd's settings).
func (c Config) Script() string {
	var b strings.Builder
	b.WriteString("iptables-restore -w --noflush <<'EOF'\n" + c.Restore() + "EOF\n")
	for _, j := range c.Jumps() {
		rule := strings.Join(j[1:], " ")
		fmt.Fprintf(&b, "iptables -w -C %s %s 2>/dev/null || iptables -w -I %s 1 %s\n", j[0], rule, j[0], rule)
	}
	return b.String()
}

// Resolvers reads the IPv4 nameservers of a resolv.conf; the Docker
// Engine's embedded DNS forwards bots' queries to them from the bots'
// own addresses. Loopback ones are left out: the engine reaches those
// from the host's namespace, which the rules do not filter.
func Resolvers(path string) ([]netip.Addr, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []netip.Addr
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || fields[0] != "nameserver" {
			continue
		}
		if a, err := netip.ParseAddr(fields[1]); err == nil && a.Is4() && !a.IsLoopback() {
			out = append(out, a)
		}
	}
	return out, sc.Err()
}
