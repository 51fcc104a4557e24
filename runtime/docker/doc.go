// Package docker is the default runtime.Driver: bots run as containers on a
// Docker Engine, reached through the moby client with the API version
// negotiated (the engines here are as old as 20.10, API 1.41).
//
// Create is the hardening point: every container gets memory (and the same
// memory+swap, so no swap), CPU and pids limits, its own bridge network, no
// new privileges, no capabilities but NET_BIND_SERVICE, a read-only root with
// a small noexec /tmp tmpfs, capped json-file logs, a non-root user, no
// mounts, no published ports, no privileged mode and no restart policy
// (gitd supervises restarts itself). None of it is optional.
//
// The package calls the engine only through Client, the narrow slice of
// *client.Client it needs, so its translation can be tested without one.
package docker
