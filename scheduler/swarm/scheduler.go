package swarm

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"

	"github.com/botrunner/botrunner/internal/logging"
)

// Engine is the slice of the moby client (a swarm manager's API) the
// scheduler calls; *client.Client satisfies it.
type Engine interface {
	ServiceCreate(ctx context.Context, o client.ServiceCreateOptions) (client.ServiceCreateResult, error)
	ServiceUpdate(ctx context.Context, id string, o client.ServiceUpdateOptions) (client.ServiceUpdateResult, error)
	ServiceInspect(ctx context.Context, id string, o client.ServiceInspectOptions) (client.ServiceInspectResult, error)
	ServiceList(ctx context.Context, o client.ServiceListOptions) (client.ServiceListResult, error)
	ServiceRemove(ctx context.Context, id string, o client.ServiceRemoveOptions) (client.ServiceRemoveResult, error)
	TaskList(ctx context.Context, o client.TaskListOptions) (client.TaskListResult, error)
	TaskLogs(ctx context.Context, id string, o client.TaskLogsOptions) (client.TaskLogsResult, error)
	NetworkCreate(ctx context.Context, name string, o client.NetworkCreateOptions) (client.NetworkCreateResult, error)
	NetworkRemove(ctx context.Context, id string, o client.NetworkRemoveOptions) (client.NetworkRemoveResult, error)
}

var _ Engine = (*client.Client)(nil)

// Images copies release images where the nodes pull them (package
// registry's Pusher).
type Images interface {
	Push(ctx context.Context, image, app string, n int) (string, error)
	EncodedAuth() (string, error)
	Delete(ctx context.Context, ref string) error
	Pushed(ctx context.Context, app string, n int) (string, error)
}

// Config is the scheduler's policy.
type Config struct {
	Options
	RestartDelay, RestartMax, RestartReset time.Duration // 10 s, 5 min, 10 min
	MaxRuntime                             time.Duration // 0 = none
	Poll                                   time.Duration // how often tasks are read; default 500 ms
	Log                                    *slog.Logger
}

// Scheduler runs bots as one-replica services of a swarm.
type Scheduler struct {
	c    Engine
	img  Images
	cfg  Config
	log  *slog.Logger
	mu   sync.Mutex
	apps map[string]*appState
	// pushed maps a release's local tag to its registry copy by digest.
	pushed map[string]string
}

// appState is what gitd keeps of one app's bot between calls.
type appState struct {
	held        string // who stopped it ("" = nobody)
	timedOut    bool
	crashes     int
	nextRestart time.Time
	seenTask    string // the task Run last saw running
	upSince     time.Time
	busy        int // operations under way: Run keeps off
}

var _ scheduler.Scheduler = (*Scheduler)(nil)

// New returns a Scheduler on the swarm c manages, pushing images with img.
func New(c Engine, img Images, cfg Config) *Scheduler {
	if cfg.RestartDelay <= 0 {
		cfg.RestartDelay = 10 * time.Second
	}
	if cfg.RestartMax <= 0 {
		cfg.RestartMax = 5 * time.Minute
	}
	if cfg.RestartReset <= 0 {
		cfg.RestartReset = 10 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 500 * time.Millisecond
	}
	return &Scheduler{c: c, img: img, cfg: cfg, log: logging.Component(cfg.Log, "swarm"), apps: map[string]*appState{}, pushed: map[string]string{}}
}

func (s *Scheduler) state(app string) *appState {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.apps[app]
	if a == nil {
		a = &appState{}
		s.apps[app] = a
	}
	return a
}

func (s *Scheduler) name(app string) string { return ServiceName(s.cfg.Instance, app) }

// service inspects the app's service; ok is false when there is none.
func (s *Scheduler) service(ctx context.Context, app string) (swarm.Service, bool, error) {
	res, err := s.c.ServiceInspect(ctx, s.name(app), client.ServiceInspectOptions{})
	if err != nil {
		if isNotFound(err) {
			return swarm.Service{}, false, nil
		}
		return swarm.Service{}, false, engineErr("inspect service", err)
	}
	return res.Service, true, nil
}

// tasks are the service's tasks, newest first.
func (s *Scheduler) tasks(ctx context.Context, app string) ([]swarm.Task, error) {
	res, err := s.c.TaskList(ctx, client.TaskListOptions{Filters: make(client.Filters).Add("service", s.name(app))})
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, engineErr("list tasks", err)
	}
	t := res.Items
	slices.SortFunc(t, func(a, b swarm.Task) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return t, nil
}

// instance is a task as the scheduler package reports it.
func instance(t swarm.Task) scheduler.Instance {
	in := scheduler.Instance{ID: t.ID, Running: t.Status.State == swarm.TaskStateRunning}
	if cs := t.Spec.ContainerSpec; cs != nil {
		in.Image = cs.Image
		in.Release, _ = strconv.Atoi(cs.Labels[runtime.LabelRelease])
	}
	if st := t.Status.ContainerStatus; st != nil {
		in.ExitCode = st.ExitCode
	}
	if in.Running {
		in.StartedAt = t.Status.Timestamp
	} else if ended(t) {
		in.FinishedAt = t.Status.Timestamp
	}
	return in
}

// ended is a task that ran (or tried to) and is over.
func ended(t swarm.Task) bool {
	switch t.Status.State {
	case swarm.TaskStateComplete, swarm.TaskStateFailed, swarm.TaskStateShutdown, swarm.TaskStateRejected, swarm.TaskStateOrphaned:
		return true
	}
	return false
}

func engineErr(what string, err error) error {
	return fmt.Errorf("%s: %w", what, scheduler.ErrEngine.With("the swarm: "+err.Error(), err))
}
