package integration

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/botrunner/botrunner/testsupport/testenv"
	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// deploys is what deploy stories share: one internal network with a fake
// Telegram Bot API and a pip index on it, and the local Python base image.
// Each story still gets its own gitd, app names and bot token.
var deploys struct {
	ready   bool
	reason  string // why deploy stories skip, when not ready
	network string
	base    string
	tg      *testenv.FakeTelegram
	tgHost  string // the fake's Bot API address as gitd, on the host, reaches it
	hostIP  string // the host's address on the network: where gitd's Bot API gateway listens
	pypi    *testenv.PipIndex
	// the offline CNB builder and lifecycle image of buildpack builds
	cnbBuilder, cnbLifecycle string
}

// prepareDocker sets up the shared deploy environment once per run. Without
// an engine, deploy stories skip — except in CI, where that fails.
func prepareDocker(t *testing.T) {
	if err := exec.Command("docker", "version").Run(); err != nil {
		if ci.On() {
			t.Fatalf("CI must have a Docker Engine: %v", err)
		}
		deploys.reason = "no Docker Engine reachable"
		return
	}
	base, err := testenv.PythonImage(t.Context())
	if err != nil {
		t.Fatalf("python base image: %v", err)
	}
	deploys.base = base
	deploys.network = testenv.NewNetwork(t)
	deploys.tg = testenv.StartFakeTelegram(t, deploys.network)
	if deploys.hostIP, err = testenv.NetworkGateway(t.Context(), deploys.network); err != nil {
		t.Fatalf("network gateway: %v", err)
	}
	if deploys.tgHost, err = deploys.tg.HostURL(t.Context()); err != nil {
		t.Fatalf("fake telegram address: %v", err)
	}
	deploys.pypi = testenv.StartPipIndex(t, deploys.network)
	if deploys.cnbBuilder, deploys.cnbLifecycle, err = testenv.CNBBuilder(t.Context()); err != nil {
		t.Fatalf("CNB builder: %v", err)
	}
	deploys.ready = true
	t.Cleanup(cleanupImages)
	t.Cleanup(cleanupCNBVolumes)
}

// wantsDocker reports whether a story's gitd.env asks for the Docker runtime.
func wantsDocker(env *testscript.Env) bool {
	b, err := os.ReadFile(env.WorkDir + "/gitd.env")
	return err == nil && strings.Contains(string(b), "GITD_RUNTIME=docker")
}

// deployEnv is gitd's environment for a deploy story: the shared network
// for bots and builds, the pip index, the fake Bot API and a bot token of
// its own (so the story can tell its bot's messages apart).
func deployEnv(env *testscript.Env) []string {
	token := "123456789:" + randHex(16) + "AAAAAAAAAAAAAAAA"
	env.Setenv("BOT_TOKEN", token)
	env.Setenv("BASE_IMAGE", deploys.base) // for a story's own Dockerfiles
	return []string{
		"GITD_BASE_IMAGE=" + deploys.base,
		"GITD_DOCKER_NETWORK=" + deploys.network,
		"GITD_BUILD_NETWORK=" + deploys.network,
		"GITD_PIP_INDEX_URL=" + deploys.pypi.URL,
		"GITD_BUILDPACK_BUILDER=" + deploys.cnbBuilder,
		"GITD_BUILDPACK_LIFECYCLE_IMAGE=" + deploys.cnbLifecycle,
		"GITD_BUILDPACK_PULL=never",
		"GITD_START_CHECK=3s",
		"GITD_STOP_GRACE=3s",
		"GITD_BOT_ENV=TELEGRAM_API=" + deploys.tg.URL + ",BOT_TOKEN=" + token,
		"GITD_TELEGRAM_API=" + deploys.tgHost,
		"GITD_TELEGRAM_GATEWAY=" + gatewayAddr(env),
	}
}

// cleanupApps removes the containers of the story's apps (all named after
// $APP) when the story ends. Their images go at the end of the run
// (cleanupImages): removing one can take an intermediate image with it
// that another story's build is using as its cache parent right now.
func cleanupApps(app string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "docker", "ps", "-a", "--filter", "label=botrunner.app",
		"--format", `{{.ID}} {{.Label "botrunner.app"}}`).Output()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		id, name, ok := strings.Cut(line, " ")
		if ok && strings.HasPrefix(name, app) {
			_ = exec.CommandContext(ctx, "docker", "rm", "-f", id).Run()
		}
	}
}

// storyApps are the $APP prefixes of this run's stories: only their images
// are removed at the end, never those of another run on the same engine.
var storyApps struct {
	sync.Mutex
	names []string
}

func rememberApp(app string) {
	storyApps.Lock()
	defer storyApps.Unlock()
	storyApps.names = append(storyApps.names, app)
}

// cleanupImages removes the images this run's apps left, once every story
// is over.
func cleanupImages() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "docker", "images", "--format", "{{.Repository}}:{{.Tag}}",
		"botrunner/bot-*").Output()
	storyApps.Lock()
	defer storyApps.Unlock()
	for _, ref := range strings.Fields(string(out)) {
		for _, app := range storyApps.names {
			if strings.HasPrefix(ref, "botrunner/"+app) {
				_ = exec.CommandContext(ctx, "docker", "rmi", "-f", ref).Run()
				break
			}
		}
	}
}

// condition answers [docker]: whether deploy stories can run here. In CI
// it is always true: prepareDocker fails the run first when it cannot.
// [swarm]: whether swarm stories can (cmds_swarm_test.go).
func condition(cond string) (bool, error) {
	switch cond {
	case "docker":
		return deploys.ready, nil
	case "netadmin":
		return netAdmin()
	case "compose":
		return haveCompose()
	case "swarm":
		return haveSwarm()
	}
	if name, ok := strings.CutPrefix(cond, "client:"); ok {
		return haveClient(name)
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// tgsay TEXT: a Telegram user writes TEXT to the story's bot (chat 42).
func cmdTgsay(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: tgsay text")
	}
	_, err := deploys.tg.QueueFor(context.Background(), ts.Getenv("BOT_TOKEN"), 42, args[0])
	ts.Check(err)
}

// tgsent N: waits (up to 60 s) until the story's bot has sent N messages,
// and prints them, one "chat: text" line each, to stdout.
func cmdTgsent(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: tgsent n")
	}
	var n int
	_, err := fmt.Sscan(args[0], &n)
	ts.Check(err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	token := ts.Getenv("BOT_TOKEN")
	for {
		all, err := deploys.tg.Sent(ctx)
		ts.Check(err)
		var mine []testenv.SentMessage
		for _, m := range all {
			if m.Token == token {
				mine = append(mine, m)
			}
		}
		if len(mine) >= n {
			for _, m := range mine {
				fmt.Fprintf(ts.Stdout(), "%d: %s\n", m.ChatID, m.Text)
			}
			return
		}
		select {
		case <-ctx.Done():
			ts.Fatalf("the bot sent %d messages, want %d", len(mine), n)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func randHex(n int) string {
	b := make([]byte, n/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
