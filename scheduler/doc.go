// Package scheduler is the neutral face of what runs bots: one bot per
// app, at the level of a bot rather than of a container. A Scheduler
// deploys a release (stop-first, a start check, the previous release back
// on failure), stops, starts and restarts it, reports its status, its
// output and what happens to it (started, exited with a code, OOM-killed,
// stopped by the run-time limit), removes an app's bot, and lists the bots
// it runs so that a restarted gitd adopts them.
//
// The deploy engine (package deploy) is its only caller. It decides what
// runs (releases, config, the app's lock, the record in the store); a
// scheduler decides how: containers on one engine, services on a swarm,
// pods on a cluster. Schedulers are siblings underneath, selected with
// GITD_SCHEDULER: scheduler/docker (today's behaviour: runtime.Driver
// containers kept running by runtime/supervisor) and a Swarm one. Every
// scheduler must pass the shared conformance suite in
// testsupport/schedulertest, which testsupport/fakescheduler passes too.
//
// # Guarantees every scheduler keeps
//
//   - One copy at a time. Two pollers of one bot token fight (Telegram
//     answers 409), so the old run is stopped and gone before the new one
//     starts, on a deploy, a restart and a rollback alike.
//   - The start check. A deployed release must stay up for
//     Release.StartCheck; if it exits, its run is removed, the previous
//     one runs again and Deploy returns a *StartError.
//   - Kept until accepted. Deploy's Pending keeps what it replaced until
//     the deploy engine Accepts it (the push's objects and refs are in the
//     repository) or takes it back (TakeBack: the new run goes, the
//     previous one runs again). Start and Restart are accepted at once.
//   - Crash restarts with backoff (10 s, doubling, capped at 5 min, reset
//     after 10 min up) and the run-time limit, reported as Events. A bot
//     stopped by Stop or by the limit stays stopped, across gitd restarts
//     too (Run's held), until Start, Restart or a Deploy.
//   - Hardening is not optional and so not in the Release: non-root,
//     read-only root with a /tmp tmpfs, every capability dropped but
//     NET_BIND_SERVICE, no-new-privileges, memory/CPU/pids limits, capped
//     logs, a network of the app's own, no published ports, no mounts.
//   - Only this gitd's bots: a scheduler is made for one gitd instance and
//     never touches another's, on a shared engine or swarm.
//
// # scheduler/docker
//
// A release is a container (runtime.Spec) named botrunner-<app>-v<N>,
// labelled with app, owner, release and instance. Deploy stops the running
// container (kept, not removed), creates and starts the new one, holds it
// to the start check, and starts the old one again on failure; Accept
// removes the old containers. runtime/supervisor restarts crashed
// containers and enforces the run-time limit; its hooks become Events.
//
// # Swarm (sketch; scheduler/swarm)
//
// One service per app with one replica (never a global service), update
// order stop-first and failure action pause: Deploy updates the service's
// spec (image by registry digest, env or secrets, limits), watches the new
// task for the start check, and on failure updates the service back to the
// previous spec (the engine's PreviousSpec). Pending keeps the previous spec
// until Accept; TakeBack updates back to it. Swarm's restart policy has a
// fixed delay, so the scheduler sets condition "none" and restarts
// crashed tasks itself with the policy above (a forced update of the same
// spec). The run-time limit is the scheduler's timer, Stop scales to 0.
// Images must reach other nodes: they are pushed to GITD_REGISTRY and
// referred to by digest.
//
// # Kubernetes (sketch; not built yet)
//
// A bot maps onto a Deployment with strategy Recreate and one replica (or a
// StatefulSet of one replica, whose pod identity also rules out two copies
// during a node loss); the config vars go into a Secret mounted as env
// (envFrom), the server's env into the pod spec. The hardening becomes
// the pod's securityContext (runAsNonRoot with the uid, readOnlyRootFilesystem,
// allowPrivilegeEscalation false, capabilities drop ALL add
// NET_BIND_SERVICE, seccomp RuntimeDefault), an emptyDir tmpfs on /tmp,
// resources.limits for memory, CPU and ephemeral storage, a pids limit from
// the kubelet, and a NetworkPolicy per app that allows egress to the
// internet and denies ingress and private ranges. Deploy patches the
// pod template and watches the new pod's Ready condition and restart count
// for the start check; rollback is the previous ReplicaSet's template (kept
// until Accept, as the revision history). Logs are the pod's logs
// (Previous: --previous, the run before the last restart), Events come
// from watching pods (terminated with exit code and reason OOMKilled).
// Crash restarts: restartPolicy Always has the kubelet's own backoff
// (10 s doubling to 5 min, reset after 10 min up), which is ours. The
// run-time limit is the scheduler's timer (scale to 0). Adoption lists
// Deployments by label.
package scheduler
