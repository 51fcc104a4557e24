// Package promtext reads a Prometheus text exposition with Prometheus's
// own parser into flat samples, for tests that assert on metrics.
package promtext
