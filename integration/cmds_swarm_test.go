package integration

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/botrunner/botrunner/registry"
	"github.com/botrunner/botrunner/runtime"
	"github.com/botrunner/botrunner/testsupport/testenv"
	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// The swarm stories (swarm_*.txtar) run gitd with GITD_SCHEDULER=swarm:
// their gitd.env says so. The first of them makes the engine a single-node
// swarm (testenv.JoinSwarm: only when it is in none) and starts a registry
// (distribution, as the image-mode stories run it) for the whole run; the
// end of TestScripts stops the registry and leaves the swarm as it found
// it. Each story removes its own services and networks when it ends.
var swarms struct {
	once   sync.Once
	ready  bool
	reason string // why swarm stories skip, when not ready
	reg    *testenv.Registry
	regDir string // the registry's storage
	target registry.Target
	leave  func(context.Context) error
}

// wantsSwarm reports whether a story's gitd.env asks for the swarm scheduler.
func wantsSwarm(env *testscript.Env) bool {
	b, err := os.ReadFile(env.WorkDir + "/gitd.env")
	return err == nil && strings.Contains(string(b), "GITD_SCHEDULER=swarm")
}

// prepareSwarm joins (or makes) the swarm and starts the registry, once.
func prepareSwarm() {
	swarms.once.Do(func() {
		if !deploys.ready {
			swarms.reason = deploys.reason
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		leave, err := testenv.JoinSwarm(ctx)
		if err != nil {
			swarms.reason = "no swarm manager: " + err.Error()
			return
		}
		swarms.leave = leave
		dir, err := os.MkdirTemp("", "botrunner-swarm-registry-")
		if err == nil {
			swarms.regDir = dir
			swarms.reg, err = testenv.RunRegistry(ctx, dir)
		}
		if err == nil {
			swarms.target, err = registry.Parse(registry.Config{Registry: swarms.reg.Addr,
				Username: swarms.reg.User, Password: swarms.reg.Password})
		}
		if err != nil {
			swarms.reason = "test registry: " + err.Error()
			return
		}
		swarms.ready = true
	})
}

// cleanupSwarm stops the registry, removes what the engine pulled from
// it (the tasks' images by digest) and leaves the swarm, after every story.
func cleanupSwarm() {
	if swarms.reg != nil {
		swarms.reg.Stop()
		swarms.reg.RemovePulled()
	}
	if swarms.regDir != "" {
		_ = os.RemoveAll(swarms.regDir)
	}
	if swarms.leave != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := swarms.leave(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "leave the test swarm: %v\n", err)
		}
	}
}

// swarmEnv is what a swarm story's gitd gets on top of deployEnv: the
// registry and its login. Bots on the swarm sit on overlay networks of
// their own, which reach neither the fake Bot API's bridge nor a gateway
// on the host, so a swarm story's gitd has no Telegram gateway and its
// bots no TELEGRAM_API: swarm stories' bots need no Telegram.
func swarmEnv(environ []string) []string {
	prepareSwarm()
	if !swarms.ready {
		return environ
	}
	environ = slices.DeleteFunc(environ, func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return k == "GITD_TELEGRAM_GATEWAY" || k == "GITD_BOT_ENV"
	})
	return append(environ, "GITD_REGISTRY="+swarms.reg.Addr, "GITD_REGISTRY_USER="+swarms.reg.User,
		"GITD_REGISTRY_PASSWORD="+swarms.reg.Password)
}

// haveSwarm answers [swarm]; in CI a swarm story must run.
func haveSwarm() (bool, error) {
	prepareSwarm()
	if !swarms.ready && ci.On() {
		return false, fmt.Errorf("CI must be able to make a swarm: %s", swarms.reason)
	}
	return swarms.ready, nil
}

// cleanupServices removes the swarm services and overlay networks of the
// story's apps (all named after $APP).
func cleanupServices(app string) {
	if !swarms.ready {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.New(client.FromEnv)
	if err != nil {
		return
	}
	defer c.Close()
	f := make(client.Filters).Add("label", runtime.LabelApp)
	svcs, _ := c.ServiceList(ctx, client.ServiceListOptions{Filters: f})
	for _, s := range svcs.Items {
		if strings.HasPrefix(s.Spec.Labels[runtime.LabelApp], app) {
			_, _ = c.ServiceRemove(ctx, s.ID, client.ServiceRemoveOptions{})
		}
	}
	nets, _ := c.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	for _, n := range nets.Items {
		if !strings.HasPrefix(n.Labels[runtime.LabelApp], app) {
			continue
		}
		// A task leaves the network a moment after its service goes.
		for i := 0; i < 50; i++ {
			if _, err := c.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err == nil {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// swarmsvc [APP]: prints the app's service (default $APP) as the swarm's
// manager has it: `replicas N`, `image REF` (the spec's, by digest), a
// `running TASK IMAGE` line per task that runs and an `exited TASK CODE`
// line per task whose bot exited by itself (the manager keeps a few), oldest
// first; sets $TASK to the running task's ID ("" when none runs). With no
// service it prints `no service`.
func cmdSwarmsvc(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) > 1 || neg {
		ts.Fatalf("usage: swarmsvc [app]")
	}
	app := ts.Getenv("APP")
	if len(args) == 1 {
		app = args[0]
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.New(client.FromEnv)
	ts.Check(err)
	defer c.Close()
	svcs, err := c.ServiceList(ctx, client.ServiceListOptions{Filters: make(client.Filters).Add("label", runtime.LabelApp+"="+app)})
	ts.Check(err)
	ts.Setenv("TASK", "")
	if len(svcs.Items) != 1 {
		fmt.Fprintf(ts.Stdout(), "no service\n")
		if len(svcs.Items) > 1 {
			ts.Fatalf("%d services of %s", len(svcs.Items), app)
		}
		return
	}
	svc := svcs.Items[0]
	fmt.Fprintf(ts.Stdout(), "replicas %d\nimage %s\n", *svc.Spec.Mode.Replicated.Replicas, svc.Spec.TaskTemplate.ContainerSpec.Image)
	tasks, err := c.TaskList(ctx, client.TaskListOptions{Filters: make(client.Filters).Add("service", svc.ID)})
	ts.Check(err)
	slices.SortFunc(tasks.Items, func(a, b swarm.Task) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for _, t := range tasks.Items {
		switch st := t.Status.State; {
		case st == swarm.TaskStateRunning:
			fmt.Fprintf(ts.Stdout(), "running %s %s\n", t.ID, t.Spec.ContainerSpec.Image)
			ts.Setenv("TASK", t.ID)
		case (st == swarm.TaskStateFailed || st == swarm.TaskStateComplete) && t.Status.ContainerStatus != nil:
			fmt.Fprintf(ts.Stdout(), "exited %s %d\n", t.ID, t.Status.ContainerStatus.ExitCode)
		}
	}
}

// pushed vN: asks the test registry (not gitd) for the digest of release
// N's image of $APP, as gitd pushed it, and prints and sets $PUSHED to
// the reference a service should run: REGISTRY/APP@DIGEST.
func cmdPushed(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg || !strings.HasPrefix(args[0], "v") {
		ts.Fatalf("usage: pushed vN")
	}
	if !swarms.ready {
		ts.Fatalf("pushed: no swarm registry: %s", swarms.reason)
	}
	repo := swarms.target.Repository(ts.Getenv("APP"))
	url := "http://" + swarms.reg.Addr + "/v2/" + strings.TrimPrefix(repo, swarms.reg.Addr+"/") + "/manifests/" + args[0]
	req, err := http.NewRequest(http.MethodHead, url, nil)
	ts.Check(err)
	req.SetBasicAuth(swarms.reg.User, swarms.reg.Password)
	req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json, "+
		"application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "+
		"application/vnd.docker.distribution.manifest.list.v2+json")
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	resp.Body.Close()
	digest := resp.Header.Get("Docker-Content-Digest")
	if resp.StatusCode != http.StatusOK || digest == "" {
		ts.Fatalf("registry: %s %s (digest %q)", url, resp.Status, digest)
	}
	ts.Setenv("PUSHED", repo+"@"+digest)
	fmt.Fprintf(ts.Stdout(), "%s@%s\n", repo, digest)
}
