// Package supervisor keeps bots running: it restarts a crashed bot's
// container with backoff, stops a bot at its run-time limit, and after a
// gitd restart adopts the bot containers it finds.
//
// # Policy
//
// Restarts back off from 10 s, doubling, capped at 5 min, and the count is
// forgotten after 10 min up (Policy, DefaultPolicy). The run-time limit
// (24 h by default) stops a bot with state "timeout". Containers are found
// by their botrunner.app label. All timers run on a Clock, which tests
// replace.
//
// # How it decides
//
// It is level-triggered: an engine event (runtime.EventSource) is only a
// hint that an app changed, upon which the supervisor lists that app's
// containers (runtime.Driver.List) and compares them with what it knew.
// Repeated, late and lost events are therefore harmless; when the event
// stream drops it subscribes again (with backoff) and lists everything.
// The app's "current" container is the running one, else the one started
// last; each of its exits is accounted for once (by container and finish
// time). An exit is a crash unless the app is held (below); any exit of a
// run the supervisor watched counts, code 0 included (a bot should run
// until stopped), while a container found already exited with 0 when gitd
// starts is left alone. A restart starts the same container again, and
// only if it is still the current one and nothing else of the app runs.
//
// # The protocol for code that stops and starts bots itself
//
// The docker scheduler (scheduler/docker) stops and starts containers for
// deploys and operators' commands too. So that the supervisor never takes
// their stops for crashes, nor restarts an old release behind a deploy's
// back, it follows this protocol:
//
//   - Before stopping any container of an app, call Stopped(app, by)
//     ("deploy", "operator", "restart", "destroy"). From then on no exit of
//     the app is a crash, a pending restart is cancelled, and once Stopped
//     returns no restart is under way.
//   - After starting the container that is to run (a deploy's new release
//     after its start check, the previous release put back by a failed
//     deploy, an operator's start), call Started(app). It begins a new run
//     period: crash counts and the run-time clock are reset.
//   - If nothing runs in the end (a failed deploy with nothing to put
//     back, a stop), do not call Started: the app stays held, and State
//     says by whom.
//   - apps:destroy: Stopped(app, "destroy"), remove the containers, then
//     Forget(app).
//   - At gitd start, before Run, call Stopped(app, "operator") for each app
//     the store records as stopped or timed out: adoption then leaves their
//     exited containers alone.
//
// A deploy (scheduler/docker's swap) thus reads: Stopped(app, "deploy");
// stop the old container; create, start and check the new one (or start
// the old one again); Started(app) if one of them runs; remove the old one.
//
// # What it tells gitd
//
// Hooks tells the scheduler what the supervisor did (crash, restart,
// timeout), which it reports as scheduler Events so gitd can log "gitd"
// lines for the app, and which bot containers run after each
// (re)subscription to events, so gitd can follow their output again.
package supervisor
