package integration

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/botrunner/botrunner/testsupport/promtext"
	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// The service story (service_compose.txtar): gitd's image, built once per
// run from the run's gitd by the script `make image` uses, and started with
// the repository's docker-compose.yml.

// repoDir is the repository's root: docker-compose.yml and contrib/.
var repoDir, _ = filepath.Abs("..")

const serviceImage = "botrunner-test/gitd-service:story"

var serviceImageOnce struct {
	sync.Once
	err error
}

// haveCompose answers [compose]; in CI docker-compose must be there.
func haveCompose() (bool, error) {
	if _, err := exec.LookPath("docker-compose"); err != nil {
		if ci.On() {
			return false, fmt.Errorf("CI must have docker-compose (apt-get install docker-compose): %v", err)
		}
		return false, nil
	}
	return true, nil
}

// gitdimage builds gitd's image from this run's gitd with
// contrib/docker/image.sh and sets $GITD_IMAGE to it.
func cmdGitdImage(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 0 || neg {
		ts.Fatalf("usage: gitdimage")
	}
	serviceImageOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "sh", filepath.Join(repoDir, "contrib/docker/image.sh"), filepath.Join(binDir, "gitd"), serviceImage).CombinedOutput()
		if err != nil {
			serviceImageOnce.err = fmt.Errorf("image.sh: %v\n%s", err, out)
		}
	})
	ts.Check(serviceImageOnce.err)
	ts.Setenv("GITD_IMAGE", serviceImage)
}

// composeenv FILE writes a compose override that gives the service the
// story's gitd environment (base image, bots' network, fake Bot API, …) and
// a health check every second, and sets the variables docker-compose.yml
// reads: a project of the story's own, the story's port on 127.0.0.1, the
// socket's group and the admin key. The project's containers and volume
// are removed when the story ends.
func cmdComposeEnv(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: composeenv override.yml")
	}
	environ, _ := ts.Value(gitdEnvKey).([]string)
	vars := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "GITD_") {
			vars[k] = v
		}
	}
	vars["GITD_RUNTIME"] = "docker"
	// The story's gateway address is one of the host's: the container has
	// none of them, and this service runs no gateway.
	delete(vars, "GITD_TELEGRAM_GATEWAY")
	delete(vars, "GITD_TELEGRAM_GATEWAY_URL")
	var b strings.Builder
	b.WriteString("services:\n  gitd:\n    healthcheck:\n      interval: 1s\n      start_period: 0s\n    environment:\n")
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "      %s: %q\n", k, vars[k])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte("version: \"2.4\"\n"+b.String()), 0o644))

	project := "botrunner-test-" + randHex(6)
	key, err := os.ReadFile(ts.Getenv("ADMIN_KEY"))
	ts.Check(err)
	gid, err := exec.Command("stat", "-c", "%g", "/var/run/docker.sock").Output()
	ts.Check(err)
	ts.Setenv("COMPOSE_PROJECT_NAME", project)
	ts.Setenv("GITD_PUBLISH", "127.0.0.1:"+ts.Getenv("GITD_PORT"))
	ts.Setenv("DOCKER_GID", strings.TrimSpace(string(gid)))
	ts.Setenv("GITD_ADMIN_KEYS", strings.TrimSpace(string(key)))
	ts.Setenv("REPO", repoDir)
	ts.Defer(func() { removeProject(project) })
}

// removeProject removes a compose project's containers and volumes by
// their labels: it needs no compose file.
func removeProject(project string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	label := "label=com.docker.compose.project=" + project
	out, _ := exec.CommandContext(ctx, "docker", "ps", "-aq", "--filter", label).Output()
	if ids := strings.Fields(string(out)); len(ids) > 0 {
		_ = exec.CommandContext(ctx, "docker", append([]string{"rm", "-f"}, ids...)...).Run()
	}
	out, _ = exec.CommandContext(ctx, "docker", "volume", "ls", "-q", "--filter", label).Output()
	if vols := strings.Fields(string(out)); len(vols) > 0 {
		_ = exec.CommandContext(ctx, "docker", append([]string{"volume", "rm", "-f"}, vols...)...).Run()
	}
	out, _ = exec.CommandContext(ctx, "docker", "network", "ls", "-q", "--filter", label).Output()
	for _, n := range strings.Fields(string(out)) {
		_ = exec.CommandContext(ctx, "docker", "network", "rm", n).Run()
	}
}

// healthy waits (90 s at most) until the compose project's gitd container
// says it is healthy (its image's health check), and sets $GITD_CONTAINER.
func cmdHealthy(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 0 || neg {
		ts.Fatalf("usage: healthy")
	}
	filter := "label=com.docker.compose.project=" + ts.Getenv("COMPOSE_PROJECT_NAME")
	deadline := time.Now().Add(90 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		id, _ := exec.Command("docker", "ps", "-q", "--filter", filter, "--filter", "label=com.docker.compose.service=gitd").Output()
		if s := strings.TrimSpace(string(id)); s != "" {
			st, _ := exec.Command("docker", "inspect", "--format", "{{.State.Health.Status}}", s).Output()
			if last = strings.TrimSpace(string(st)); last == "healthy" {
				ts.Setenv("GITD_CONTAINER", s)
				return
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	logs, _ := exec.Command("docker", "ps", "-a", "--filter", filter).CombinedOutput()
	ts.Fatalf("gitd's container not healthy after 90s (last: %q)\n%s", last, logs)
}

// freeport VAR sets $VAR to a free port on 127.0.0.1.
func cmdFreeport(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: freeport VAR")
	}
	p, err := freePort()
	ts.Check(err)
	ts.Setenv(args[0], p)
}

// metrics ADDR [SAMPLE MIN]: scrapes http://ADDR/metrics, parses it with
// Prometheus's text parser and prints one `name{labels} value` line per
// sample (histograms as name_count), sorted. With SAMPLE and MIN it first
// waits (90 s at most) until that sample is at least MIN.
func cmdMetrics(ts *testscript.TestScript, neg bool, args []string) {
	if (len(args) != 1 && len(args) != 3) || neg {
		ts.Fatalf("usage: metrics addr [sample min]")
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		samples, err := scrapeMetrics("http://" + args[0] + "/metrics")
		ts.Check(err)
		if len(args) == 1 || samples[args[1]] >= mustFloat(ts, args[2]) || time.Now().After(deadline) {
			keys := make([]string, 0, len(samples))
			for k := range samples {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var b strings.Builder
			for _, k := range keys {
				fmt.Fprintf(&b, "%s %g\n", k, samples[k])
			}
			_, _ = ts.Stdout().Write([]byte(b.String()))
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func mustFloat(ts *testscript.TestScript, s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	ts.Check(err)
	return f
}

func scrapeMetrics(url string) (map[string]float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	return promtext.Parse(resp.Body)
}
