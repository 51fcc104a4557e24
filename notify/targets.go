package notify

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/botrunner/botrunner/names"
	"github.com/botrunner/botrunner/runtime/firewall"
	"github.com/botrunner/botrunner/store"
)

var chatRE = regexp.MustCompile(`^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$`)

// SetTargets applies key=value pairs (telegram=CHAT, webhook=https://…;
// key= removes one) to t, all or nothing.
func SetTargets(t store.NotifyTargets, pairs []string) (store.NotifyTargets, error) {
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		switch {
		case !ok:
			return t, ErrBadTarget.With(fmt.Sprintf("%s is not key=value", names.Quote(kv)), nil)
		case k == "telegram" && (v == "" || chatRE.MatchString(v)):
			t.Chat = v
		case k == "telegram":
			return t, ErrBadTarget.With(fmt.Sprintf("telegram=%s is not a chat id or @channel", names.Quote(v)), nil)
		case k == "webhook":
			if err := checkWebhookURL(v); err != nil {
				return t, err
			}
			t.Webhook = v
		default:
			return t, ErrBadTarget.With(fmt.Sprintf("unknown target %s", names.Quote(k)), nil)
		}
	}
	return t, nil
}

func checkWebhookURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(v) > 2048 {
		return ErrBadTarget.With("webhook must be an https:// URL without credentials", err)
	}
	return nil
}

// PublicClient is the HTTP client webhooks are posted with: a tenant's URL
// must not reach the server's own network, so it dials public addresses
// only (no loopback, private, link-local or unspecified ones), follows no
// redirects and gives up after sendTimeout.
func PublicClient() *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, addr string, _ syscall.RawConn) error {
		host, _, _ := net.SplitHostPort(addr)
		ip := net.ParseIP(host)
		if ip == nil || !public(ip) {
			return fmt.Errorf("address %s is not public", host)
		}
		return nil
	}}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}, TLSHandshakeTimeout: 5 * time.Second, ResponseHeaderTimeout: sendTimeout}
	return &http.Client{Transport: tr, Timeout: sendTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// public reports whether a webhook may be posted to ip: a global unicast
// address outside what bots may not reach either (firewall.Blocked: CGNAT,
// benchmarking, "this" network, …) and outside the IPv6 ranges that wrap
// an IPv4 address (NAT64, 6to4, Teredo), which could wrap a private one.
func public(ip net.IP) bool {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return false
	}
	a = a.Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		return false
	}
	for _, p := range slices.Concat(firewall.Blocked, wraps4) {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// wraps4 are the IPv6 prefixes whose addresses carry an IPv4 address.
var wraps4 = []netip.Prefix{
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2002::/16"),      // 6to4
	netip.MustParsePrefix("2001::/32"),      // Teredo
}
