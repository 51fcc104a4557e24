package docker

import (
	"fmt"
	"net/netip"
	"strings"
)

// AppSubnetBits is the size of each app's subnet: a /28 holds 13
// containers besides the gateway, and an app runs at most two at once (the
// old and the new release during a swap).
const AppSubnetBits = 28

// DefaultBotSubnets is the pool apps' subnets are carved from: 4,096 apps.
// It lies outside the engine's default address pools (172.17–31.x and
// 192.168.x), so the engine never hands it to another network.
const DefaultBotSubnets = "10.213.0.0/16"

// ParsePool reads a comma-separated list of IPv4 CIDRs, each at least as
// large as one app's subnet.
func ParsePool(s string) ([]netip.Prefix, error) {
	var pool []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil || !p.Addr().Is4() || p.Bits() > AppSubnetBits {
			return nil, ErrBadPool.With(fmt.Sprintf("bot subnet pool %q: want IPv4 CIDRs of /%d or larger", f, AppSubnetBits), err)
		}
		pool = append(pool, p.Masked())
	}
	if len(pool) == 0 {
		return nil, ErrBadPool.With("bot subnet pool is empty", nil)
	}
	return pool, nil
}

// freeSubnet returns the first /AppSubnetBits in pool that overlaps none of
// used (every subnet the engine's networks have, ours or not).
func freeSubnet(pool, used []netip.Prefix) (netip.Prefix, bool) {
	for _, p := range pool {
		step := uint32(1) << (32 - AppSubnetBits)
		n := uint32(1) << (AppSubnetBits - p.Bits())
		base := ipv4(p.Addr())
		for i := uint32(0); i < n; i++ {
			cand := netip.PrefixFrom(fromIPv4(base+i*step), AppSubnetBits)
			if !overlapsAny(cand, used) {
				return cand, true
			}
		}
	}
	return netip.Prefix{}, false
}

func overlapsAny(p netip.Prefix, used []netip.Prefix) bool {
	for _, u := range used {
		if u.IsValid() && p.Overlaps(u) {
			return true
		}
	}
	return false
}

func ipv4(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func fromIPv4(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
