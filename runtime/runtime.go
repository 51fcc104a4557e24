package runtime

import (
	"context"
	"io"
	"time"
)

// Limits caps what one container may use. A zero field means the default
// (DefaultLimits), never "unlimited".
type Limits struct {
	Memory   int64 // bytes; swap is capped to the same value (no swap)
	NanoCPUs int64 // 1e9 = one CPU
	Pids     int64 // processes and threads
}

// Spec is what a bot's container is made from. Drivers add the hardening
// (read-only root, no capabilities, no privileges, …) themselves: it is not
// optional, so it is not in the Spec.
type Spec struct {
	Name       string            // container name, e.g. "botrunner-my-bot-v3"
	Image      string            // image ID or tag (local; never pulled)
	Cmd        []string          // optional override of the image's CMD
	Env        []string          // KEY=VALUE
	Labels     map[string]string // see Labels and the Label* keys
	Limits     Limits            // zero fields take DefaultLimits
	Network    string            // created (bridge) if missing; "" = DefaultNetwork
	User       string            // "uid:gid" or name; Create refuses "", "root", "0", "0:0"
	TmpfsSize  string            // size of the /tmp tmpfs, default "64m"
	LogMaxSize string            // json-file max-size, default "10m"
	LogMaxFile int               // json-file max-file, default 3
}

// State is what the engine knows about one container.
type State struct {
	ID, Name, Image string // Name without a leading "/"; Image as given in the Spec
	Labels          map[string]string
	Running         bool
	Status          string // created|running|exited|dead|...
	ExitCode        int    // of the last run; 137 after SIGKILL (Stop past the grace, or OOM), 143 if SIGTERM ended it
	OOMKilled       bool   // the last run was killed by the kernel's OOM killer
	StartedAt       time.Time
	FinishedAt      time.Time
}

// ExitResult is what Wait sends once: the exit code, or Err when waiting
// failed (ErrNotFound, the context's error, an engine error); then ExitCode
// is -1.
type ExitResult struct {
	ExitCode  int
	OOMKilled bool // the exit was the OOM killer's doing (ExitCode is then 137)
	Err       error
}

// LogOptions selects what Logs returns.
type LogOptions struct {
	Follow     bool      // keep streaming until the container stops or ctx ends
	Tail       int       // the last N lines only; 0 = all
	Since      time.Time // lines written at or after this time only; zero = all
	Timestamps bool      // prefix each line with its RFC 3339 (nano) time and a space
}

// Driver runs containers on one engine. Every method is safe for
// concurrent use.
type Driver interface {
	// Create makes a container from s, hardened, but does not start it.
	Create(ctx context.Context, s Spec) (id string, err error)
	// Start starts a created or stopped container; starting a running one is a no-op.
	Start(ctx context.Context, id string) error
	// Stop sends SIGTERM, waits up to grace, then SIGKILL, and returns once the
	// container has stopped; nil if it was not running.
	Stop(ctx context.Context, id string, grace time.Duration) error
	// Remove removes the container, killing it first if it runs; ErrNotFound
	// if missing. Pending Waits end: 137 if it ran, else its last exit code
	// (0 if it never ran).
	Remove(ctx context.Context, id string) error
	// Inspect reports the container's state; ErrNotFound if missing.
	Inspect(ctx context.Context, id string) (State, error)
	// Wait reports the container's next exit: when a running container
	// stops, or else when it stops after its next Start. Register it BEFORE
	// Start — the registration is done when Wait returns, so even an
	// immediate exit is seen. The channel yields one value, then closes. To
	// learn how a stopped container ended, Inspect it instead.
	Wait(ctx context.Context, id string) <-chan ExitResult
	// Logs returns stdout and stderr, demultiplexed, as plain text lines.
	Logs(ctx context.Context, id string, o LogOptions) (io.ReadCloser, error)
	// List returns every container (running or not) carrying all labels. A
	// label with an empty value asks only for the key: {LabelApp: ""} lists
	// every bot container.
	List(ctx context.Context, labels map[string]string) ([]State, error)
}
