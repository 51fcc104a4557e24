// Package schedulertest is the conformance suite every scheduler.Scheduler
// must pass (Run), as runtimetest is for drivers: the deploy engine relies
// on what it checks — one copy at a time, the start check with the
// previous release back on failure, Pending's Accept and TakeBack, stop
// and start with holds, status, logs, crash restarts and the run-time
// limit as events, converge, remove and list.
//
// The bots are runtimetest's testbot program (an image on a real engine;
// the fake scheduler scripts the same commands), so a scheduler's test
// gives the suite an image and a user, and makes a scheduler per subtest
// with the Timing asked for, scoped so that subtests never see each
// other's bots.
package schedulertest
