// Package runtime is the neutral face of the container engines botrunner runs
// bots on: the Driver interface, the Spec a bot's container is made from,
// and the State and exit results engines report back.
//
// Drivers are siblings underneath: runtime/docker (the default, on a Docker
// Engine) and testsupport/fakeruntime (in memory, for tests of the layers
// above). Every driver must pass the shared conformance suite in
// testsupport/runtimetest, so code written against Driver behaves the same
// on each. Above them, runtime/supervisor keeps bots running (crash
// restarts, the run-time limit, adoption after a gitd restart) from their
// Events, and scheduler/docker puts both behind the bot-level
// scheduler.Scheduler the deploy engine calls.
//
// Semantics every driver keeps (the suite checks them):
//   - Create never pulls: Spec.Image names a local image.
//   - Create refuses a root or empty User (ErrRootUser); a zero limit means
//     the default limit, never "unlimited" — the code in a container is
//     untrusted.
//   - Wait reports the next exit and must be called before Start: a bot
//     that crashes at once must not exit unseen. It sends exactly one
//     ExitResult (with OOMKilled) and closes. Stop ends a run with 143 when
//     the process honours SIGTERM, 137 when it had to be killed; an OOM kill
//     is 137 too, told apart by OOMKilled.
//   - Stop of a container that is not running is not an error; Remove,
//     Inspect, Start, Stop, Wait and Logs of a missing one are ErrNotFound.
//   - List includes stopped containers; a label with an empty value matches
//     any value of that key.
//   - Events (EventSource) reports "start" and "die" (with the exit code)
//     of containers labelled LabelApp.
package runtime
