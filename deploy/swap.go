package deploy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/botrunner/botrunner/internal/testhold"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/store"
)

// rollbackTimeout bounds the steps that put the old release back: they run
// even when the pusher is gone, so they get their own context.
const rollbackTimeout = 2 * time.Minute

// swap replaces the app's container, stop-first, and removes the old ones
// once the new one passed its start check.
func (d *Engine) swap(ctx context.Context, app store.App, rel store.Release, out io.Writer) error {
	sw, err := d.swapKeep(ctx, app, rel, out)
	if err == nil {
		d.removeOld(sw)
	}
	return err
}

// swapped is a swap whose new container passed the start check; the old
// containers are stopped but kept until the release is accepted, so that a
// release taken back can have them again.
type swapped struct {
	app     string
	id      string          // the new container
	old     []runtime.State // the app's containers before the swap
	running []runtime.State // those of them that ran
}

// swapKeep is swap without removing the old containers: two copies of a
// polling bot fight over getUpdates, so the old one is stopped before the
// new one starts. The new one must stay up for the start check; if it
// exits (or the pusher disconnects meanwhile), it is removed and the old
// one is started again.
func (d *Engine) swapKeep(ctx context.Context, app store.App, rel store.Release, out io.Writer) (*swapped, error) {
	d.setPhase(app.Name, PhaseStarting)
	old, err := d.rt.List(ctx, d.scope(app.Name))
	if err != nil {
		return nil, ErrDeployFailed.With("deploy failed: list containers", err)
	}
	d.supervisorStopped(app.Name, "deploy", false) // the stops below are not crashes
	running := d.stopRunning(ctx, old, out)
	testhold.At("stopped", app.Name)
	id, err := d.start(ctx, app, rel, out)
	if err != nil {
		if d.restore(running, out) {
			d.supervisorStarted(app.Name)
		}
		return nil, err
	}
	d.supervisorStarted(app.Name)
	return &swapped{app: app.Name, id: id, old: old, running: running}, nil
}

// removeOld removes the containers a swap replaced.
func (d *Engine) removeOld(sw *swapped) {
	ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
	defer cancel()
	for _, c := range sw.old {
		if c.ID != sw.id {
			_ = d.rt.Remove(ctx, c.ID)
		}
	}
}

// unswap takes a swap back: the new container goes, the old running ones
// start again.
func (d *Engine) unswap(sw *swapped, out io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
	defer cancel()
	d.supervisorStopped(sw.app, "deploy", false)
	if err := d.rt.Remove(ctx, sw.id); err != nil {
		d.log.Error("remove a release taken back", "app", sw.app, "container", sw.id, "err", err)
	}
	if d.restore(sw.running, out) {
		d.supervisorStarted(sw.app)
	}
}

// stopRunning stops the app's running containers and returns them, so a
// failed start can bring them back.
func (d *Engine) stopRunning(ctx context.Context, old []runtime.State, out io.Writer) []runtime.State {
	var running []runtime.State
	for _, c := range old {
		if !c.Running {
			continue
		}
		grace := d.stopGrace(c)
		step(out, "stopping v%s (SIGTERM, %s grace)", c.Labels[runtime.LabelRelease], grace)
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace+30*time.Second)
		if err := d.rt.Stop(stopCtx, c.ID, grace); err != nil {
			d.log.Warn("stop old release", "container", c.Name, "err", err)
		}
		cancel()
		running = append(running, c)
	}
	return running
}

// start runs the new release and holds it to the start check.
func (d *Engine) start(ctx context.Context, app store.App, rel store.Release, out io.Writer) (string, error) {
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	spec := d.spec(app, rel)
	_ = d.rt.Remove(cleanup, spec.Name) // a leftover of a crashed gitd
	id, err := d.rt.Create(ctx, spec)
	if err != nil {
		return "", ErrDeployFailed.With("deploy failed: create container", err)
	}
	exited := d.rt.Wait(ctx, id) // before Start: a fast exit must not be missed
	if err := d.rt.Start(ctx, id); err != nil {
		_ = d.rt.Remove(cleanup, id)
		return "", ErrDeployFailed.With("deploy failed: start container", err)
	}
	d.logs.attach(app.Name, rel.Number, id, time.Time{})
	check, began := d.startCheck(app), time.Now()
	timer, ready := time.After(check), d.ready(ctx, app, rel, began)
	if ready != nil {
		timer = nil // the bot's first getUpdates decides, not a fixed time
	}
	fmt.Fprintf(out, "-----> starting v%d … ", rel.Number)
	select {
	case <-timer:
		fmt.Fprintf(out, "up for %s: running\n", check)
		return id, nil
	case err := <-ready:
		if err == nil {
			fmt.Fprintf(out, "first getUpdates after %.1f s: running\n", time.Since(began).Seconds())
			return id, nil
		}
		fmt.Fprintf(out, "%v\n", err)
		_ = d.rt.Remove(cleanup, id)
		return "", ErrStartFailed.With(fmt.Sprintf("v%d did not poll: %v", rel.Number, err), err)
	case res := <-exited:
		if res.Err != nil { // the wait ended, not the bot: a cancel or an engine error
			return "", d.abandon(ctx, cleanup, id, out, res.Err)
		}
		fmt.Fprintf(out, "exited with code %d\n", res.ExitCode)
		lines := d.showLogs(cleanup, id, out)
		_ = d.rt.Remove(cleanup, id)
		return "", ErrStartFailed.Reword(startFailedTip(app, rel, lines),
			"v%d exited with code %d during the start check", rel.Number, res.ExitCode)
	case <-ctx.Done():
		return "", d.abandon(ctx, cleanup, id, out, ctx.Err())
	}
}

// abandon removes a new container whose start check could not be finished
// (the pusher left, or waiting on it failed), so the old one can come back.
func (d *Engine) abandon(ctx, cleanup context.Context, id string, out io.Writer, cause error) error {
	_ = d.rt.Remove(cleanup, id)
	if ctx.Err() != nil {
		fmt.Fprintf(out, "cancelled\n")
		return ErrDeployFailed.With("deploy cancelled: the push was interrupted", ctx.Err())
	}
	fmt.Fprintf(out, "wait failed\n")
	return ErrDeployFailed.With(fmt.Sprintf("deploy failed: wait for the container: %v", cause), cause)
}

// stopGrace is the time between SIGTERM and SIGKILL for a container: its
// app's stop-grace setting, else the server's.
func (d *Engine) stopGrace(c runtime.State) time.Duration {
	if a, err := d.store.App(c.Labels[runtime.LabelApp]); err == nil && a.Settings.StopGrace > 0 {
		return a.Settings.StopGrace
	}
	return d.cfg.StopGrace
}

// ready is the gateway's readiness of rel; nil without one.
func (d *Engine) ready(ctx context.Context, app store.App, rel store.Release, since time.Time) <-chan error {
	if d.cfg.Gateway == nil {
		return nil
	}
	return d.cfg.Gateway.Ready(ctx, app, rel, since)
}

func (d *Engine) startCheck(app store.App) time.Duration {
	if app.Settings.StartCheck > 0 {
		return app.Settings.StartCheck
	}
	return d.cfg.StartCheck
}

// restore starts again the containers a failed swap stopped, and reports
// whether one runs again.
func (d *Engine) restore(running []runtime.State, out io.Writer) bool {
	ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
	defer cancel()
	ok := false
	for _, c := range running {
		step(out, "starting v%s again", c.Labels[runtime.LabelRelease])
		if err := d.rt.Start(ctx, c.ID); err != nil {
			d.log.Error("restart previous release", "container", c.Name, "err", err)
			fmt.Fprintf(out, "error: could not start v%s again: %v\n", c.Labels[runtime.LabelRelease], err)
			continue
		}
		ok = true
		app, rel := c.Labels[runtime.LabelApp], releaseOf(c)
		d.logs.attach(app, rel, c.ID, d.lastLogTime(app, rel))
	}
	return ok
}

// showLogs prints the last lines a failed release wrote.
func (d *Engine) showLogs(ctx context.Context, id string, out io.Writer) []string {
	rc, err := d.rt.Logs(ctx, id, runtime.LogOptions{Tail: 20})
	if err != nil {
		return nil
	}
	defer rc.Close()
	step(out, "last log lines:")
	var lines []string
	sc := bufio.NewScanner(io.LimitReader(rc, 64<<10))
	for sc.Scan() {
		lines = append(lines, sc.Text())
		fmt.Fprintf(out, "       %s\n", sc.Text())
	}
	return lines
}

func (d *Engine) spec(app store.App, rel store.Release) runtime.Spec {
	return runtime.Spec{
		Name:    fmt.Sprintf("botrunner-%s-v%d", app.Name, rel.Number),
		Image:   rel.Image,
		Env:     botEnv(d.gatewayEnv(app), rel.Config),
		Labels:  d.containerLabels(app, rel),
		Limits:  d.cfg.Limits,
		Network: d.network(app.Name),
		User:    d.cfg.User,
	}
}

// gatewayEnv is the server's env for every bot plus, for apps using the
// gateway, its address.
func (d *Engine) gatewayEnv(app store.App) []string {
	if d.cfg.Gateway == nil {
		return d.cfg.Env
	}
	extra := d.cfg.Gateway.Env(app)
	env := []string{}
	for _, kv := range d.cfg.Env { // the gateway's value replaces the server's (e.g. TELEGRAM_API)
		k, _, _ := strings.Cut(kv, "=")
		if !slices.ContainsFunc(extra, func(e string) bool { return strings.HasPrefix(e, k+"=") }) {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// botEnv is the server's env for every bot, then the release's config vars
// (which win), in a stable order.
func botEnv(server []string, config map[string]string) []string {
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

func (d *Engine) containerLabels(app store.App, rel store.Release) map[string]string {
	l := runtime.Labels(app.Name, app.Owner, rel.Number)
	if d.cfg.Instance != "" {
		l[runtime.LabelInstance] = d.cfg.Instance
	}
	return l
}

// network is the app's Docker network: with no shared network configured,
// one of its own (see AppNetwork), so that no other app's bots reach it.
func (d *Engine) network(app string) string {
	if d.cfg.Network != "" {
		return d.cfg.Network
	}
	return AppNetwork(d.cfg.Instance, app)
}

// AppNetwork names an app's own network; the instance part keeps apps of
// the same name on two gitd that share an engine apart.
func AppNetwork(instance, app string) string {
	if len(instance) > 8 {
		instance = instance[:8]
	}
	if instance == "" {
		return "botrunner-app-" + app
	}
	return "botrunner-app-" + instance + "-" + app
}
