package docker

import (
	"fmt"
	"maps"
	"sort"

	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/scheduler"
)

// spec is release r's container.
func (s *Scheduler) spec(r scheduler.Release) runtime.Spec {
	return runtime.Spec{
		Name:    fmt.Sprintf("botrunner-%s-v%d", r.App, r.Number),
		Image:   r.Image,
		Cmd:     r.Cmd,
		Env:     Env(r.Env, r.Config),
		Labels:  s.labels(r),
		Limits:  r.Limits,
		Network: s.network(r.App),
		User:    r.User,
	}
}

// Env is the server's env for every bot, then the release's config vars
// (which win), in a stable order.
func Env(server []string, config map[string]string) []string {
	env := append([]string{}, server...)
	keys := make([]string, 0, len(config))
	for k := range config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+config[k])
	}
	return env
}

func (s *Scheduler) labels(r scheduler.Release) map[string]string {
	l := runtime.Labels(r.App, r.Owner, r.Number)
	maps.Copy(l, s.opts.Labels)
	if s.opts.Instance != "" {
		l[runtime.LabelInstance] = s.opts.Instance
	}
	return l
}

// scope is a label filter for this gitd's containers of app ("" = any
// app), plus extra labels.
func (s *Scheduler) scope(app string, extra ...string) map[string]string {
	m := maps.Clone(s.opts.Labels)
	if m == nil {
		m = map[string]string{}
	}
	m[runtime.LabelApp] = app
	if s.opts.Instance != "" {
		m[runtime.LabelInstance] = s.opts.Instance
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// network is the app's Docker network: with no shared network configured,
// one of its own (see AppNetwork), so that no other app's bots reach it.
func (s *Scheduler) network(app string) string {
	if s.opts.Network != "" {
		return s.opts.Network
	}
	return AppNetwork(s.opts.Instance, app)
}

// AppNetwork names an app's own network; the instance part keeps apps of
// the same name on two gitd that share an engine apart.
func AppNetwork(instance, app string) string {
	instance = runtime.ShortInstance(instance)
	if instance == "" {
		return "botrunner-app-" + app
	}
	return "botrunner-app-" + instance + "-" + app
}
