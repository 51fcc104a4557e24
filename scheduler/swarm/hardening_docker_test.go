package swarm

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/registry"
	"github.com/botrunner/botrunner/scheduler"
	"github.com/botrunner/botrunner/testsupport/runtimetest"
	"github.com/botrunner/botrunner/testsupport/testenv"
)

// TestServiceHardening runs a release as a service on a real single-node
// swarm, its image pushed to a real registry and pulled by digest, and
// reads every hardening item back from `service inspect`, from the task's
// container and from the bot's own /proc/self/status.
func TestServiceHardening(t *testing.T) {
	ctx, c := onSwarm(t, 5*time.Minute)
	app := strings.ReplaceAll(testenv.UniqueName("swh"), "_", "-")
	ref, auth := pushTestbot(ctx, t, c, app)
	network := overlay(ctx, t, c, "botrunner-test-"+app)

	r := scheduler.Release{App: app, Owner: "ann", Number: 1, Cmd: []string{"status"},
		Env: []string{"TOKEN=server"}, Config: map[string]string{"TOKEN": "t"}, User: runtimetest.TestbotUser}
	spec := ServiceSpec(r, ref, network, Options{Instance: "swarmtest"})
	created, err := c.ServiceCreate(ctx, client.ServiceCreateOptions{Spec: spec, EncodedRegistryAuth: auth})
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = c.ServiceRemove(context.Background(), created.ID, client.ServiceRemoveOptions{}) })
	t.Logf("service create warnings: %v", created.Warnings)

	svc, err := c.ServiceInspect(ctx, created.ID, client.ServiceInspectOptions{})
	require.NoError(t, err)
	got := svc.Service.Spec
	cs := got.TaskTemplate.ContainerSpec
	assert.Equal(t, ref, cs.Image, "by digest")
	assert.True(t, cs.ReadOnly)
	assert.Equal(t, []string{"ALL"}, cs.CapabilityDrop)
	assert.Equal(t, []string{"NET_BIND_SERVICE"}, cs.CapabilityAdd)
	assert.Equal(t, spec.TaskTemplate.Resources.Limits, got.TaskTemplate.Resources.Limits, "memory, CPU and pids")
	assert.Equal(t, swarm.RestartPolicyConditionNone, got.TaskTemplate.RestartPolicy.Condition)
	assert.Equal(t, swarm.UpdateOrderStopFirst, got.UpdateConfig.Order)
	assert.Equal(t, uint64(1), *got.Mode.Replicated.Replicas)
	assert.Empty(t, got.EndpointSpec.Ports)
	assert.Empty(t, svc.Service.Endpoint.Ports, "nothing published")
	t.Logf("no-new-privileges kept in the service spec: %v (the engine's API is %s)",
		cs.Privileges != nil && cs.Privileges.NoNewPrivileges, c.ClientVersion())

	id := runningTask(ctx, t, c, created.ID)
	in, err := c.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	require.NoError(t, err)
	h, cfg := in.Container.HostConfig, in.Container.Config
	assert.True(t, h.ReadonlyRootfs)
	assert.Equal(t, []string{"ALL"}, []string(h.CapDrop))
	assert.Equal(t, []string{"NET_BIND_SERVICE"}, []string(h.CapAdd))
	assert.Equal(t, int64(256<<20), h.Memory)
	assert.Equal(t, int64(500_000_000), h.NanoCPUs)
	require.NotNil(t, h.PidsLimit)
	assert.Equal(t, int64(100), *h.PidsLimit)
	assert.Equal(t, container.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "10m", "max-file": "3"}}, h.LogConfig)
	assert.Empty(t, h.PortBindings)
	assert.Equal(t, runtimetest.TestbotUser, cfg.User)
	assert.Contains(t, cfg.Env, "TOKEN=t")
	assert.NotContains(t, cfg.Env, "TOKEN=server")
	require.Len(t, in.Container.Mounts, 1, "the /tmp tmpfs only")
	assert.Equal(t, mount.TypeTmpfs, in.Container.Mounts[0].Type)
	assert.Equal(t, "/tmp", in.Container.Mounts[0].Destination)
	assert.NotNil(t, in.Container.NetworkSettings.Networks[network], "on the app's overlay")

	status := waitOutput(ctx, t, id, "CapAmb:")
	assert.Contains(t, status, "Uid: 65534 65534 65534 65534")
	assert.Contains(t, status, "CapEff: 0000000000000000", "non-root: no effective capability")
	assert.Contains(t, status, "CapBnd: 0000000000000400", "NET_BIND_SERVICE is all a setuid program could gain")
	if c.ClientVersion() >= "1.46" { // Privileges.NoNewPrivileges reaches the task from API 1.46 on
		assert.Contains(t, status, "NoNewPrivs: 1")
	}
	t.Logf("the bot's own status:\n%s", status)
}

// pushTestbot pushes the testbot image to a test registry as release 1 of
// app and returns its digest ref and the registry login for the nodes.
func pushTestbot(ctx context.Context, t *testing.T, c *client.Client, app string) (ref, auth string) {
	t.Helper()
	img, err := runtimetest.TestbotImage(ctx, c)
	require.NoError(t, err)
	p := registry.New(c, testRegistry(t), nil)
	ref, err = p.Push(ctx, img, app, 1)
	require.NoError(t, err)
	t.Cleanup(func() { _ = exec.Command("docker", "image", "rm", ref).Run() })
	auth, err = p.EncodedAuth()
	require.NoError(t, err)
	return ref, auth
}

// testRegistry runs a test registry and returns it as a target.
// onSwarm is a test's single-node swarm (made if the engine has none, left
// as found) and an engine client, with a context that ends after timeout.
func onSwarm(t *testing.T, timeout time.Duration) (context.Context, *client.Client) {
	t.Helper()
	testenv.Swarm(t)
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	c, err := client.New(client.FromEnv)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return ctx, c
}

func testRegistry(t testing.TB) registry.Target {
	t.Helper()
	reg := testenv.StartRegistry(t)
	target, err := registry.Parse(registry.Config{Registry: reg.Addr, Username: reg.User, Password: reg.Password})
	if err != nil {
		t.Fatal(err)
	}
	return target
}

// overlay makes an attachable overlay network, removed at the end.
func overlay(ctx context.Context, t *testing.T, c *client.Client, name string) string {
	t.Helper()
	_, err := c.NetworkCreate(ctx, name, client.NetworkCreateOptions{Driver: "overlay", Attachable: true})
	require.NoError(t, err)
	t.Cleanup(func() {
		// The service's task leaves the network a moment after the service goes.
		for i := 0; i < 50; i++ {
			if _, err := c.NetworkRemove(context.Background(), name, client.NetworkRemoveOptions{}); err == nil {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	return name
}

// runningTask waits for the service's task to run and returns its container.
func runningTask(ctx context.Context, t *testing.T, c *client.Client, service string) string {
	t.Helper()
	for ctx.Err() == nil {
		tasks, err := c.TaskList(ctx, client.TaskListOptions{Filters: make(client.Filters).Add("service", service)})
		require.NoError(t, err)
		for _, task := range tasks.Items {
			if task.Status.State == swarm.TaskStateRunning && task.Status.ContainerStatus != nil {
				return task.Status.ContainerStatus.ContainerID
			}
			if task.Status.Err != "" {
				t.Logf("task %s: %s %s", task.ID, task.Status.State, task.Status.Err)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no running task of service %s", service)
	return ""
}

// waitOutput waits until the container's output holds want, and returns it.
func waitOutput(ctx context.Context, t *testing.T, id, want string) string {
	t.Helper()
	out := ""
	for ctx.Err() == nil {
		b, _ := exec.CommandContext(ctx, "docker", "logs", id).CombinedOutput()
		if out = string(b); strings.Contains(out, want) {
			return out
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("container %s never printed %q; output: %s", id, want, out)
	return ""
}
