// Package deploy is the deploy engine: what happens to a push after its
// pack is in quarantine and before its refs move, and everything else that
// changes which release of an app runs. It checks the pushed tree out
// (path-safe), builds it, records a release and has the scheduler run it
// (package scheduler: stop-first, the start check, rollback), streaming
// each step to whoever asked; for a push, its error rejects the push.
// Stored is the pipeline of a server that only hosts git.
//
// The Engine is made from its parts in dependency order (store, builder,
// scheduler, the apps' repositories) and has one file group per caller:
//
//   - deploy.go: the Engine, what it needs of other packages, and making a
//     release (check out, build, record, start), shared by the callers.
//   - the push pipeline, called by receive: push.go (Run), push_plan.go
//     (which ref deploys), accept.go (Committed: a pushed release runs
//     before it is accepted, recorded "started", and is made deployed and
//     current once the push's objects and refs are in the repository, or
//     taken back; gitd dying in between leaves a "started" release that
//     Reconcile finishes).
//   - operator actions, called by command: ops.go (stop, start, restart,
//     config changes), ops_release.go (rollback, rebuild), ops_image.go
//     (deploy:image), ops_destroy.go (apps:destroy). Each takes the app's
//     lock, the one pushes hold.
//   - scheduler events, called by the scheduler's Run: events.go (crashes,
//     restarts, the run-time limit), collect.go (the bots' output into the
//     app's log, across crashes and deploys).
//   - status, called by command: status.go, phase.go.
//   - gitd's start: reconcile.go (finishes what a gitd that died left half
//     done; docs/architecture.md, "Crash safety"), then Watch (events.go).
//
// Files, not subpackages: every caller works on the same per-app state —
// the phase of a deploy under way, the pushed release waiting for its
// commit, the log followers — under the same app lock, and subpackages
// would have to export that state or hand it around. Each caller sees only
// its slice through an interface of its own: receive.Committer,
// command.Bots, scheduler.Handler.
package deploy
