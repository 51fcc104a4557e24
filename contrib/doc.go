// Package contrib holds what runs gitd on a host beside the binary — the
// systemd unit (systemd/), the container image's files (docker/), the
// Grafana dashboard (grafana/) — and the tests that check them with the
// tools that read them.
package contrib
