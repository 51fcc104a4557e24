// Package swarm runs bots on a Docker Swarm: each app is one replicated
// service with one replica, hardened like a container of scheduler/docker,
// its image pulled by the nodes from GITD_REGISTRY by digest.
//
// What this package holds today is the mapping of a release onto a
// service spec (ServiceSpec) with every hardening item the engine's API
// can express, and the names and labels gitd finds its services by. How
// each guarantee of package scheduler is kept on a swarm:
//
//   - One copy at a time: one replica, update order stop-first (the old
//     task is shut down before the new one is created), rollback order
//     stop-first too. A node that goes away takes its task with it; the
//     manager starts a replacement on another node only after it has marked
//     the node down, so the old copy, cut off, may still poll until the
//     node's own agent stops it (see the README, "Running bots on a Swarm").
//   - Restart backoff: the service's restart condition is "none" (Swarm's
//     restart delay is one fixed value, never doubling); gitd watches the
//     task exit and forces an update of the same spec after its own delay
//     (10 s doubling to 5 min, reset after 10 min up).
//   - Start check and rollback: UpdateConfig.Monitor is the start check,
//     FailureAction "pause" (gitd, not the manager, decides), and gitd
//     updates the service back to the previous release's spec when the new
//     task does not stay up.
//   - Config vars travel as the task's environment, not as Swarm secrets:
//     bots read them from the environment (unchanged for users), a secret
//     would be a file under /run/secrets; the Raft log that stores the
//     service spec is encrypted at rest as secrets are; and whoever can
//     run `docker service inspect` on a manager holds the whole swarm (and
//     can read a secret from inside its task) anyway.
package swarm
