package main

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"testing"

	"github.com/botrunner/botrunner/runtime/firewall"
)

func TestApplyFirewallModes(t *testing.T) {
	fw := firewall.Config{Instance: "test", Bots: []netip.Prefix{netip.MustParsePrefix("10.213.0.0/16")}}
	var calls int
	denied := func(context.Context, string, ...string) ([]byte, error) {
		calls++
		return nil, errors.New("permission denied")
	}
	log := slog.New(slog.DiscardHandler)
	if err := applyFirewall(context.Background(), fw, "on", denied, log); !errors.Is(err, firewall.ErrUnavailable) {
		t.Errorf("on: got %v, want %s", err, firewall.ErrUnavailable.Code)
	}
	if err := applyFirewall(context.Background(), fw, "auto", denied, log); err != nil {
		t.Errorf("auto: got %v, want a logged warning and a start", err)
	}
	calls = 0
	if err := applyFirewall(context.Background(), fw, "off", denied, log); err != nil || calls != 0 {
		t.Errorf("off: got %v after %d iptables calls, want none", err, calls)
	}
}

// Builds run on the app's own bridge on the docker scheduler (its destroy
// removes it), and on one bridge per instance on a swarm, whose apps have
// no bridge of their own to remove.
func TestBuildNetworkName(t *testing.T) {
	for _, tc := range []struct{ scheduler, want string }{
		{"docker", "botrunner-app-0123abcd-my-bot"},
		{"", "botrunner-app-0123abcd-my-bot"},
		{"swarm", "botrunner-build-0123abcd"},
	} {
		if got := buildNetworkName(tc.scheduler, "0123abcdef", "my-bot"); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.scheduler, got, tc.want)
		}
	}
}
