// Package swarm runs bots on a Docker Swarm: each app is one replicated
// service with one replica, hardened like a container of scheduler/docker,
// its image pulled by the nodes from GITD_REGISTRY by digest.
//
// ServiceSpec maps a release onto a service with every hardening item the
// engine's API can express; Scheduler is scheduler.Scheduler on it (it
// passes testsupport/schedulertest on a real swarm). How each guarantee of
// package scheduler is kept on a swarm:
//
//   - One copy at a time: one replica, update order stop-first (the old
//     task is shut down before the new one is created), rollback order
//     stop-first too.
//   - Node loss: a drained node's task is shut down first. With restart
//     condition "none" the manager then makes no replacement by itself
//     (measured: a drained single node leaves the service at 0 tasks);
//     gitd sees the task end without an exit of the bot's own and forces
//     an update of the same spec, which the manager places on another
//     node. A node that is cut off rather than drained keeps its task
//     running until its agent stops it, so gitd waits until the manager
//     reports the node down before it forces the update (the README,
//     "Running bots on a Swarm", says what that costs).
//   - Restart backoff: the service's restart condition is "none" (Swarm's
//     restart delay is one fixed value, never doubling); Run reads the
//     manager's task list, sees the task exit and forces an update of the
//     same spec after gitd's own delay (10 s doubling to 5 min, reset after
//     10 min up). The force counter (TaskSpec.ForceUpdate) also tells the
//     current run's tasks from the history the manager keeps.
//   - Stop and the run-time limit scale the service to 0; Start and
//     Restart are a Deploy accepted at once. Logs go through the manager
//     (task logs), so they reach a task on any node; Previous is the task
//     before the current one.
//   - Adoption: List and Run find the services by the instance label;
//     the state of a crash series is not kept across gitd restarts.
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
