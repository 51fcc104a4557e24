package firewall

import "github.com/botrunner/botrunner/hint"

var (
	// ErrUnavailable: gitd cannot run iptables (not root, no iptables, in
	// a container, or the engine does not manage iptables).
	ErrUnavailable = hint.New("FIREWALL_UNAVAILABLE", "cannot set the bot firewall",
		"run gitd as root on the Docker host, or add the rules gitd logged at start yourself (docs/network.md) and set GITD_BOT_FIREWALL=off")
	// ErrBadAllow: a GITD_BOT_ALLOW entry cannot be read.
	ErrBadAllow = hint.New("FIREWALL_BAD_ALLOW", "invalid GITD_BOT_ALLOW entry",
		"give IPv4 CIDRs or addresses with an optional :PORT (e.g. 192.168.1.5:8081), or host:PORT for a service on the Docker host")
)
