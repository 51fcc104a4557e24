package swarm

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
	"github.com/botrunner/botrunner/testsupport/testenv"
)

// TestOneCopyAcrossRedeployAndDrain updates a bot's service to a new
// release and then takes its node away (drain, and back), watching the
// engine's container events all along: at no moment do two of the app's
// containers run, as a Bot API answering a second getUpdates with 409
// would see it; after the drain the bot runs again, in a new task.
func TestOneCopyAcrossRedeployAndDrain(t *testing.T) {
	ctx, c := onSwarm(t, 3*time.Minute)
	app := strings.ReplaceAll(testenv.UniqueName("swo"), "_", "-")
	ref, auth := pushTestbot(ctx, t, c, app)
	network := overlay(ctx, t, c, "botrunner-test-"+app)
	w := watchCopies(ctx, t, c, app)

	rel := func(n int) scheduler.Release {
		return scheduler.Release{App: app, Owner: "ann", Number: n, Cmd: []string{"sleep"}, User: runtimetest.TestbotUser,
			StartCheck: time.Second}
	}
	created, err := c.ServiceCreate(ctx, client.ServiceCreateOptions{
		Spec: ServiceSpec(rel(1), ref, network, Options{Instance: "swarmtest"}), EncodedRegistryAuth: auth})
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = c.ServiceRemove(context.Background(), created.ID, client.ServiceRemoveOptions{}) })
	first := runningTask(ctx, t, c, created.ID)

	svc, err := c.ServiceInspect(ctx, created.ID, client.ServiceInspectOptions{})
	require.NoError(t, err)
	_, err = c.ServiceUpdate(ctx, created.ID, client.ServiceUpdateOptions{Version: svc.Service.Version,
		Spec: ServiceSpec(rel(2), ref, network, Options{Instance: "swarmtest"}), EncodedRegistryAuth: auth})
	require.NoError(t, err)
	second := taskOfRelease(ctx, t, c, created.ID, 2)
	assert.NotEqual(t, first, second)

	// The node goes away: its task is shut down. With restart condition
	// "none" the manager makes no replacement by itself; gitd does, by a
	// forced update of the same spec, which a multi-node swarm places on
	// another node at once and a single node holds pending until it is back.
	node := drainSelf(ctx, t)
	waitNoTaskRunning(ctx, t, c, created.ID)
	forceUpdate(ctx, t, c, created.ID, auth)
	undrain(ctx, t, node)
	third := taskOfRelease(ctx, t, c, created.ID, 2)
	assert.NotEqual(t, second, third, "a new task after the node came back")

	starts, most := w.stop()
	assert.Equal(t, 3, starts, "release 1, release 2, release 2 after the drain")
	assert.Equal(t, 1, most, "never two copies running")
}

// forceUpdate starts a new task of the same spec, as gitd does for a
// task whose node went away.
func forceUpdate(ctx context.Context, t *testing.T, c *client.Client, service, auth string) {
	t.Helper()
	svc, err := c.ServiceInspect(ctx, service, client.ServiceInspectOptions{})
	require.NoError(t, err)
	spec := svc.Service.Spec
	spec.TaskTemplate.ForceUpdate++
	_, err = c.ServiceUpdate(ctx, service, client.ServiceUpdateOptions{Version: svc.Service.Version, Spec: spec,
		EncodedRegistryAuth: auth})
	require.NoError(t, err)
}

// copies counts the app's running containers from the engine's events.
type copies struct {
	mu           sync.Mutex
	now, most, n int
	cancel       context.CancelFunc
	done         chan struct{}
}

func watchCopies(ctx context.Context, t *testing.T, c *client.Client, app string) *copies {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	w := &copies{cancel: cancel, done: make(chan struct{})}
	ev := c.Events(ctx, client.EventsListOptions{Filters: make(client.Filters).
		Add("type", "container").Add("label", runtime.LabelApp+"="+app)})
	go func() {
		defer close(w.done)
		for {
			select {
			case m := <-ev.Messages:
				w.see(m)
			case <-ev.Err:
				return
			}
		}
	}()
	time.Sleep(200 * time.Millisecond) // the subscription is in place before anything starts
	return w
}

func (w *copies) see(m events.Message) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch m.Action {
	case events.ActionStart:
		w.now++
		w.n++
	case events.ActionDie:
		w.now--
	}
	w.most = max(w.most, w.now)
}

// stop ends the watch: how many starts it saw, and the most copies at once.
func (w *copies) stop() (starts, most int) {
	time.Sleep(500 * time.Millisecond) // events trail the task state a little
	w.cancel()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n, w.most
}

// taskOfRelease waits for a running task whose container is release n.
func taskOfRelease(ctx context.Context, t *testing.T, c *client.Client, service string, n int) string {
	t.Helper()
	for ctx.Err() == nil {
		id := runningTask(ctx, t, c, service)
		in, err := c.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if err == nil && in.Container.Config.Labels[runtime.LabelRelease] == itoa(n) {
			return id
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("release %d never ran", n)
	return ""
}

func waitNoTaskRunning(ctx context.Context, t *testing.T, c *client.Client, service string) {
	t.Helper()
	for ctx.Err() == nil {
		tasks, err := c.TaskList(ctx, client.TaskListOptions{Filters: make(client.Filters).Add("service", service)})
		require.NoError(t, err)
		running := 0
		for _, task := range tasks.Items {
			if task.Status.State == swarm.TaskStateRunning {
				running++
			}
		}
		if running == 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("the drained node still runs the task")
}

// drainSelf drains the engine's own node (`docker node update
// --availability drain`), made active again in t.Cleanup too.
func drainSelf(ctx context.Context, t *testing.T) string {
	t.Helper()
	node := dockerCLI(ctx, t, "info", "--format", "{{.Swarm.NodeID}}")
	dockerCLI(ctx, t, "node", "update", "--availability", "drain", node)
	t.Cleanup(func() { _ = exec.Command("docker", "node", "update", "--availability", "active", node).Run() })
	return node
}

func undrain(ctx context.Context, t *testing.T, node string) {
	dockerCLI(ctx, t, "node", "update", "--availability", "active", node)
}

func dockerCLI(ctx context.Context, t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
	require.NoError(t, err, "docker %v: %s", args, out)
	return strings.TrimSpace(string(out))
}

func itoa(n int) string { return strconv.Itoa(n) }
