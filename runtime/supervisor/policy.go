package supervisor

import "time"

// Policy is how the supervisor treats crashes and long runs.
type Policy struct {
	BaseDelay  time.Duration // delay before the first restart after a crash; default 10s
	MaxDelay   time.Duration // the delay doubles per consecutive crash up to this; default 5m
	ResetAfter time.Duration // a run at least this long forgets the earlier crashes; default 10m
	MaxRuntime time.Duration // run-time limit per run period; 0 = none (DefaultPolicy: 24h)
	StopGrace  time.Duration // SIGTERM to SIGKILL when the limit stops a bot; default 10s
}

// DefaultPolicy is the README's ("How a push deploys"): restarts after 10 s, doubling, capped at
// 5 min, reset after 10 min up; a 24 h run-time limit.
func DefaultPolicy() Policy {
	return Policy{
		BaseDelay:  10 * time.Second,
		MaxDelay:   5 * time.Minute,
		ResetAfter: 10 * time.Minute,
		MaxRuntime: 24 * time.Hour,
		StopGrace:  10 * time.Second,
	}
}

// withDefaults fills the zero fields but MaxRuntime, where zero means none.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.BaseDelay <= 0 {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.ResetAfter <= 0 {
		p.ResetAfter = d.ResetAfter
	}
	if p.StopGrace <= 0 {
		p.StopGrace = d.StopGrace
	}
	return p
}

// Backoff is the delay before the restart that follows the failures-th
// consecutive crash: BaseDelay, doubled per further crash, at most
// MaxDelay (10s, 20s, 40s … 5m with the defaults). failures < 1 counts as 1.
func Backoff(p Policy, failures int) time.Duration {
	p = p.withDefaults()
	d := p.BaseDelay
	for i := 1; i < failures && d < p.MaxDelay; i++ {
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// reconnect is the backoff between attempts to get the event stream back.
var reconnect = Policy{BaseDelay: 500 * time.Millisecond, MaxDelay: 30 * time.Second}
