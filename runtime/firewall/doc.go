// Package firewall keeps bots to the internet: the host rules the Docker
// Engine's API cannot express (docs/network.md).
//
// Each app's bots have a network of their own (runtime/docker's
// IsolateNetworks), whose subnets come from one pool. From that pool, this
// package's iptables rules drop what a bot must not reach:
//
//   - in FORWARD (through the DOCKER-USER chain the engine keeps for its
//     users): private, shared (CGNAT), link-local (cloud metadata at
//     169.254.169.254), loopback, multicast and reserved ranges, and the
//     pool itself (other apps' bots);
//   - in INPUT: every address of the host itself (the bridge gateway, and
//     gitd's own port behind it).
//
// Replies to allowed connections, DNS to the resolvers the engine forwards
// bots' queries to, and what the admin allows (GITD_BOT_ALLOW) pass.
//
// The rules live in two chains named after the gitd instance, which the
// package creates, fills in one iptables-restore transaction and jumps to;
// it never edits a chain it did not create (only its own jump in
// DOCKER-USER and INPUT). Applying again replaces the chains' contents, so
// a restart with new settings refreshes them; Remove takes them away.
package firewall
