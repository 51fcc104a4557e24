package swarm

import (
	"testing"
	"time"

	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/swarm"
	"github.com/stretchr/testify/assert"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
)

func TestServiceSpec(t *testing.T) {
	r := scheduler.Release{App: "my-bot", Owner: "ann", Number: 3, Cmd: []string{"python", "bot.py"},
		Env: []string{"TOKEN=server", "API=http://x"}, Config: map[string]string{"TOKEN": "t", "B": "2"},
		User: "1000:1000", StartCheck: 7 * time.Second}
	s := ServiceSpec(r, "reg:5000/my-bot@sha256:ab", "net1", Options{Instance: "0123456789ab"})
	c := s.TaskTemplate.ContainerSpec
	assert.Equal(t, "botrunner-01234567-my-bot", s.Name)
	assert.Equal(t, map[string]string{runtime.LabelApp: "my-bot", runtime.LabelOwner: "ann",
		runtime.LabelRelease: "3", runtime.LabelInstance: "0123456789ab"}, s.Labels)
	assert.Equal(t, s.Labels, c.Labels)
	assert.Equal(t, "reg:5000/my-bot@sha256:ab", c.Image)
	assert.Equal(t, []string{"python", "bot.py"}, c.Args)
	assert.Empty(t, c.Command, "the image's entrypoint stays")
	assert.Equal(t, []string{"API=http://x", "B=2", "TOKEN=t"}, c.Env, "config vars win, once")
	assert.Equal(t, "1000:1000", c.User)
	assert.True(t, c.ReadOnly)
	assert.True(t, *c.Init)
	assert.True(t, c.Privileges.NoNewPrivileges)
	assert.Equal(t, []string{"ALL"}, c.CapabilityDrop)
	assert.Equal(t, []string{"NET_BIND_SERVICE"}, c.CapabilityAdd)
	assert.Equal(t, []mount.Mount{{Type: mount.TypeTmpfs, Target: "/tmp",
		TmpfsOptions: &mount.TmpfsOptions{SizeBytes: 64 << 20, Mode: 0o1777}}}, c.Mounts)
	assert.Equal(t, 10*time.Second, *c.StopGracePeriod)
	assert.Equal(t, &swarm.Limit{NanoCPUs: 500_000_000, MemoryBytes: 256 << 20, Pids: 100}, s.TaskTemplate.Resources.Limits)
	assert.Equal(t, swarm.RestartPolicyConditionNone, s.TaskTemplate.RestartPolicy.Condition)
	assert.Equal(t, &swarm.Driver{Name: "json-file", Options: map[string]string{"max-size": "10m", "max-file": "3"}},
		s.TaskTemplate.LogDriver)
	assert.Equal(t, []swarm.NetworkAttachmentConfig{{Target: "net1"}}, s.TaskTemplate.Networks)
	assert.Equal(t, uint64(1), *s.Mode.Replicated.Replicas)
	for _, u := range []*swarm.UpdateConfig{s.UpdateConfig, s.RollbackConfig} {
		assert.Equal(t, swarm.UpdateOrderStopFirst, u.Order)
		assert.Equal(t, uint64(1), u.Parallelism)
		assert.Equal(t, swarm.UpdateFailureActionPause, u.FailureAction)
		assert.Equal(t, 7*time.Second, u.Monitor)
	}
	assert.Equal(t, swarm.ResolutionModeDNSRR, s.EndpointSpec.Mode)
	assert.Empty(t, s.EndpointSpec.Ports)
}

func TestSizeBytes(t *testing.T) {
	for in, want := range map[string]int64{"64m": 64 << 20, "512k": 512 << 10, "1g": 1 << 30, "4096": 4096} {
		assert.Equal(t, want, sizeBytes(in), in)
	}
}
