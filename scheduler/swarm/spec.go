package swarm

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/swarm"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
)

// Options are what every service of one gitd shares.
type Options struct {
	Instance  string        // gitd's instance id: services are named and labelled with it
	StopGrace time.Duration // SIGTERM grace before SIGKILL; default 10 s
}

// ServiceName is the service of app under gitd instance: names are unique
// per swarm, and two gitd may share one.
func ServiceName(instance, app string) string {
	return "botrunner-" + runtime.ShortInstance(instance) + "-" + app
}

// NetworkName is the attachable overlay network of app's bot.
func NetworkName(instance, app string) string { return ServiceName(instance, app) }

// ServiceSpec is release r as a service: image is r's image by registry
// digest, network the app's overlay. Every hardening item the engine's
// API (1.41) takes is set; the README lists those it does not take
// (no-new-privileges, no swap, tmpfs noexec) and what protects instead.
func ServiceSpec(r scheduler.Release, image, network string, o Options) swarm.ServiceSpec {
	s := runtime.Spec{Limits: r.Limits}.WithDefaults()
	labels := runtime.Labels(r.App, r.Owner, r.Number)
	labels[runtime.LabelInstance] = o.Instance
	one := uint64(1)
	initOn := true
	grace := o.StopGrace
	if grace <= 0 {
		grace = 10 * time.Second
	}
	return swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: ServiceName(o.Instance, r.App), Labels: labels},
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: &swarm.ContainerSpec{
				Image:           image,
				Labels:          maps.Clone(labels),
				Args:            r.Cmd, // Args replace the image's CMD, as Spec.Cmd does
				Env:             environment(r),
				User:            r.User,
				Init:            &initOn,
				ReadOnly:        true,
				Privileges:      &swarm.Privileges{NoNewPrivileges: true}, // taken from API 1.46 on
				CapabilityDrop:  []string{"ALL"},
				CapabilityAdd:   []string{"NET_BIND_SERVICE"},
				Mounts:          []mount.Mount{tmpfs(s.TmpfsSize)},
				StopGracePeriod: &grace,
			},
			Resources: &swarm.ResourceRequirements{Limits: &swarm.Limit{
				NanoCPUs: s.Limits.NanoCPUs, MemoryBytes: s.Limits.Memory, Pids: s.Limits.Pids,
			}},
			// gitd restarts crashed bots itself, with its backoff (see doc.go).
			RestartPolicy: &swarm.RestartPolicy{Condition: swarm.RestartPolicyConditionNone},
			LogDriver: &swarm.Driver{Name: "json-file", Options: map[string]string{
				"max-size": s.LogMaxSize, "max-file": strconv.Itoa(s.LogMaxFile),
			}},
			Networks:  []swarm.NetworkAttachmentConfig{{Target: network}},
			Placement: &swarm.Placement{Constraints: []string{"node.platform.os == linux"}},
		},
		Mode:           swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &one}},
		UpdateConfig:   updateConfig(r.StartCheck),
		RollbackConfig: updateConfig(r.StartCheck),
		// No published ports, and no virtual IP: nothing routes to a bot.
		EndpointSpec: &swarm.EndpointSpec{Mode: swarm.ResolutionModeDNSRR},
	}
}

// updateConfig: one task at a time, the old one gone before the new one
// starts, and the start check as the monitor window; on failure the
// manager pauses and gitd rolls back.
func updateConfig(startCheck time.Duration) *swarm.UpdateConfig {
	if startCheck <= 0 {
		startCheck = 5 * time.Second
	}
	return &swarm.UpdateConfig{
		Parallelism:   1,
		Order:         swarm.UpdateOrderStopFirst,
		FailureAction: swarm.UpdateFailureActionPause,
		Monitor:       startCheck,
	}
}

// environment is the server's env, then the config vars (sorted, so the
// spec is the same for the same config); a config var replaces the
// server's entry of that name (a process may read either of two).
func environment(r scheduler.Release) []string {
	env := slices.DeleteFunc(slices.Clone(r.Env), func(e string) bool {
		k, _, _ := strings.Cut(e, "=")
		_, set := r.Config[k]
		return set
	})
	for _, k := range slices.Sorted(maps.Keys(r.Config)) {
		env = append(env, k+"="+r.Config[k])
	}
	return env
}

// tmpfs is the only mount a bot gets: a small writable /tmp.
func tmpfs(size string) mount.Mount {
	return mount.Mount{Type: mount.TypeTmpfs, Target: "/tmp",
		TmpfsOptions: &mount.TmpfsOptions{SizeBytes: sizeBytes(size), Mode: 0o1777}}
}

// sizeBytes reads a size runtime.Spec.Validate accepts ("64m").
func sizeBytes(s string) int64 {
	mult := int64(1)
	switch s[len(s)-1] {
	case 'k':
		mult, s = 1<<10, s[:len(s)-1]
	case 'm':
		mult, s = 1<<20, s[:len(s)-1]
	case 'g':
		mult, s = 1<<30, s[:len(s)-1]
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n * mult
}
