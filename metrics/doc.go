// Package metrics counts what gitd does for Prometheus — pushes and their
// outcome, build and deploy durations by strategy, build failures by code,
// bots by state, crashes, OOM kills, restarts, timeouts, SSH sessions and
// refused keys, log bytes, image pulls — and serves them with /healthz on
// the admin listener (--metrics-listen), apart from the SSH port. Every
// method of a nil *Metrics does nothing, so parts can be wired without it.
package metrics
