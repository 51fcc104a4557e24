package main

import "time"

// Phases of a gitd deploy, between consecutive points in time (client-side
// line arrivals and engine events, same clock: the engine is local).
var gitdPhases = []string{
	"push → 'building' (ssh, pack, checkout, detect)",
	"build context tar (→ 'Sending build context')",
	"context upload, engine start (→ 'Step 1/n')",
	"build steps (→ 'Successfully built')",
	"tag, image inspect, list (→ old killed)",
	"stop old: SIGTERM → exit",
	"→ new created ([tag, list,] stop returns, rm leftover, create)",
	"→ new started (inspect, wait, start)",
	"start check (NOT counted; measured)",
	"after check (rm old, record, refs, report, client exit)",
}

// Phases of the raw sequence: the three commands' walls, and the build's
// split by its output like gitd's.
const (
	rawBuild = "docker build (wall)"
	rawStop  = "docker stop"
	rawRun   = "docker run -d"
)

var rawPhases = []string{
	rawBuild,
	"  CLI start, context tar, upload (→ 'Step 1/n')",
	"  build steps (→ 'Successfully built')",
	"  tag, CLI exit",
	rawStop,
	rawRun,
}

// dsample is one measured deploy.
type dsample struct {
	Counted time.Duration            // what the comparison uses
	Wall    time.Duration            // gitd: the whole push; raw: = Counted
	Check   time.Duration            // gitd: measured start check (start event → "running" line)
	Phases  map[string]time.Duration // absent = not applicable or not seen
	Steps   int                      // build steps that ran (not from the cache)
	// StepTimes: each build step's time, from its "Step i/n" line to the
	// next step's (or "Successfully built"), as the output arrived.
	StepTimes map[string]time.Duration
	StepOrder []string
	// Outside: Counted minus the build steps' span ("Step 1/n" line to
	// "Successfully built"): what is not the engine running the steps.
	Outside time.Duration
	// Pulled and Present (image benchmark): the image's layers the pull
	// downloaded ("Pull complete") and found on the engine ("Already exists").
	Pulled, Present int
}

// tline is one line of the push's stderr and when it arrived.
type tline struct {
	at   time.Time
	text string
}

// point is a point in a deploy's time line: when the phase that ends there
// ended (zero if it was not seen).
type point struct {
	phase string
	at    time.Time
}

// chainPhases is the time between each two consecutive points of chain
// that were both seen, by the later one's phase.
func chainPhases(chain []point) map[string]time.Duration {
	phases := map[string]time.Duration{}
	prev := chain[0].at
	for _, p := range chain[1:] {
		if p.at.IsZero() || prev.IsZero() {
			prev = p.at
			continue
		}
		phases[p.phase] = p.at.Sub(prev)
		prev = p.at
	}
	return phases
}
