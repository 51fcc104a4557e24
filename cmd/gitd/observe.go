package main

import (
	"github.com/botrunner/botrunner/audit"
	"github.com/botrunner/botrunner/metrics"
	"github.com/botrunner/botrunner/server"
)

// observers hands the SSH server's events to the metrics and the audit log.
type observers struct {
	m *metrics.Metrics // nil: metrics off
	a audit.Recorder
}

func (o observers) KeyRefused(remote, fingerprint string) {
	o.m.KeyRefused(remote, fingerprint)
	o.a.KeyRefused(remote, fingerprint)
}

func (o observers) SessionEnded(s server.Session) {
	o.m.SessionEnded(s)
	o.a.Session(s.User, s.Remote, s.Command, s.Status)
}
