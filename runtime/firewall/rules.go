package firewall

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/botrunner/botrunner/runtime"
)

// Blocked are the destinations no bot may reach unless allowed: "this"
// network, private (RFC 1918), shared address space (CGNAT, RFC 6598),
// loopback, link-local (cloud metadata), IETF protocol assignments,
// benchmarking, and multicast with everything above it.
var Blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("224.0.0.0/3"),
}

// Allow is one GITD_BOT_ALLOW entry: a destination bots may reach although
// it is blocked. Host means the Docker host itself (any of its addresses);
// Port 0 means every TCP and UDP port.
type Allow struct {
	Net  netip.Prefix
	Host bool
	Port uint16
}

func (a Allow) String() string {
	dst := a.Net.String()
	if a.Host {
		dst = "host"
	}
	if a.Port == 0 {
		return dst
	}
	return dst + ":" + strconv.Itoa(int(a.Port))
}

// ParseAllow reads comma-separated entries: CIDR, ADDRESS, CIDR:PORT,
// ADDRESS:PORT or host:PORT.
func ParseAllow(s string) ([]Allow, error) {
	var out []Allow
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		a, err := parseAllow(f)
		if err != nil {
			return nil, ErrBadAllow.With(fmt.Sprintf("GITD_BOT_ALLOW entry %q: %v", f, err), nil)
		}
		out = append(out, a)
	}
	return out, nil
}

func parseAllow(f string) (Allow, error) {
	var a Allow
	dst, port, hasPort := strings.Cut(f, ":")
	if hasPort {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return a, fmt.Errorf("port %q", port)
		}
		a.Port = uint16(n)
	}
	if dst == "host" {
		if !hasPort {
			return a, fmt.Errorf("host needs a port (allowing all of the host's ports undoes the isolation)")
		}
		a.Host = true
		return a, nil
	}
	p, err := netip.ParsePrefix(dst)
	if err != nil {
		addr, aerr := netip.ParseAddr(dst)
		if aerr != nil {
			return a, fmt.Errorf("%q is no IPv4 address or CIDR", dst)
		}
		p = netip.PrefixFrom(addr, addr.BitLen())
	}
	if !p.Addr().Is4() {
		return a, fmt.Errorf("%q is not IPv4 (bots' networks are IPv4 only)", dst)
	}
	a.Net = p.Masked()
	return a, nil
}

// Config is the rule set of one gitd instance.
type Config struct {
	// Instance names the chains (runtime.LabelInstance's value); several
	// gitd sharing a host each keep their own.
	Instance string
	// Bots is the pool the apps' subnets come from (GITD_BOT_SUBNETS).
	Bots []netip.Prefix
	// DNS are the resolvers the engine's embedded DNS forwards bots'
	// queries to (the host's /etc/resolv.conf); port 53 to them passes.
	DNS []netip.Addr
	// Allow is what the admin allows (GITD_BOT_ALLOW).
	Allow []Allow
}

// Chains returns the names of the instance's forward and input chains
// (iptables allows 28 characters).
func (c Config) Chains() (fwd, in string) {
	id := runtime.ShortInstance(c.Instance)
	return "BOTRUNNER-" + id + "-FWD", "BOTRUNNER-" + id + "-IN"
}

// Jumps are the rules that send traffic to the chains: parent chain, then
// the rule's match and target.
func (c Config) Jumps() [][]string {
	fwd, in := c.Chains()
	return [][]string{{"DOCKER-USER", "-j", fwd}, {"INPUT", "-j", in}}
}

// Restore is the iptables-restore --noflush input that creates (or
// empties) both chains and fills them, as one transaction.
func (c Config) Restore() string {
	fwd, in := c.Chains()
	var b strings.Builder
	b.WriteString("*filter\n:" + fwd + " - [0:0]\n:" + in + " - [0:0]\n")
	for _, r := range c.forwardRules() {
		b.WriteString("-A " + fwd + " " + strings.Join(r, " ") + "\n")
	}
	for _, r := range c.inputRules() {
		b.WriteString("-A " + in + " " + strings.Join(r, " ") + "\n")
	}
	b.WriteString("COMMIT\n")
	return b.String()
}

// forwardRules: for traffic from a bot to another machine.
func (c Config) forwardRules() [][]string {
	var rules [][]string
	for _, src := range c.Bots {
		s := []string{"-s", src.String()}
		rules = append(rules, cat(s, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"))
		for _, a := range c.Allow {
			if !a.Host {
				rules = append(rules, allowRules(cat(s, "-d", a.Net.String()), a.Port)...)
			}
		}
		for _, d := range c.DNS {
			rules = append(rules, allowRules(cat(s, "-d", d.String()+"/32"), 53)...)
		}
		for _, d := range c.blocked() {
			rules = append(rules, cat(s, "-d", d.String(), "-j", "DROP"))
		}
	}
	return rules
}

// inputRules: for traffic from a bot to the host itself.
func (c Config) inputRules() [][]string {
	var rules [][]string
	for _, src := range c.Bots {
		s := []string{"-s", src.String()}
		rules = append(rules, cat(s, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"))
		for _, a := range c.Allow {
			if a.Host {
				rules = append(rules, allowRules(s, a.Port)...)
			}
		}
		for _, d := range c.DNS { // a resolver on one of the host's own addresses
			rules = append(rules, allowRules(cat(s, "-d", d.String()+"/32"), 53)...)
		}
		rules = append(rules, cat(s, "-j", "DROP"))
	}
	return rules
}

// blocked is Blocked plus the pool, when the admin chose a pool outside it.
func (c Config) blocked() []netip.Prefix {
	out := append([]netip.Prefix(nil), Blocked...)
	for _, p := range c.Bots {
		covered := false
		for _, b := range Blocked {
			covered = covered || (b.Bits() <= p.Bits() && b.Contains(p.Addr()))
		}
		if !covered {
			out = append(out, p)
		}
	}
	return out
}

// allowRules returns the RETURN rules for match: all traffic, or TCP and
// UDP to port.
func allowRules(match []string, port uint16) [][]string {
	if port == 0 {
		return [][]string{cat(match, "-j", "RETURN")}
	}
	p := strconv.Itoa(int(port))
	return [][]string{
		cat(match, "-p", "tcp", "--dport", p, "-j", "RETURN"),
		cat(match, "-p", "udp", "--dport", p, "-j", "RETURN"),
	}
}

func cat(a []string, b ...string) []string { return append(append([]string(nil), a...), b...) }
