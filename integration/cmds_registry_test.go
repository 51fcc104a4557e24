package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/botrunner/botrunner/testsupport/testenv"
)

// Harness commands of the image-mode stories (deploy_image, botctl_start).

// registry start: runs an image registry (testenv.RunRegistry: distribution
// on 127.0.0.1 with htpasswd auth) for the rest of the story and sets
// $REGISTRY (host:port), $REGISTRY_USER and $REGISTRY_PASSWORD.
//
// registry pushbot NAME:TAG: pushes the echo bot image (built once per run
// FROM the local Python base image, non-root, CMD python -u bot.py) to
// $REGISTRY/NAME:TAG with the registry's login.
func cmdRegistry(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: registry start | registry pushbot name:tag")
	}
	switch {
	case args[0] == "start" && len(args) == 1:
		dir := ts.MkAbs("registry-data")
		ts.Check(os.MkdirAll(dir, 0o700))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		reg, err := testenv.RunRegistry(ctx, dir)
		ts.Check(err)
		ts.Defer(reg.Stop)
		ts.Setenv("REGISTRY", reg.Addr)
		ts.Setenv("REGISTRY_USER", reg.User)
		ts.Setenv("REGISTRY_PASSWORD", reg.Password)
	case args[0] == "pushbot" && len(args) == 2:
		reg := &testenv.Registry{Addr: ts.Getenv("REGISTRY"), User: ts.Getenv("REGISTRY_USER"),
			Password: ts.Getenv("REGISTRY_PASSWORD")}
		if reg.Addr == "" {
			ts.Fatalf("registry pushbot: run `registry start` first")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		img, err := botImage()
		ts.Check(err)
		ref, err := reg.Push(ctx, img, args[1])
		ts.Check(err)
		fmt.Fprintf(ts.Stdout(), "pushed %s\n", ref)
	default:
		ts.Fatalf("usage: registry start | registry pushbot name:tag")
	}
}

// botImageTag is the echo bot as a prebuilt image. A fixed tag: a later
// run's build hits the engine's cache and leaves nothing behind.
const botImageTag = "botrunner-test/echo-image:1"

// botImage builds botImageTag once per run, with the classic builder.
var botImage = sync.OnceValues(func() (string, error) {
	if !deploys.ready {
		return "", fmt.Errorf("no deploy environment: %s", deploys.reason)
	}
	dir, err := os.MkdirTemp("", "botrunner-echo-image-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	bot, err := os.ReadFile(filepath.Join(examplesDir, "echo_bot", "bot.py"))
	if err != nil {
		return "", err
	}
	dockerfile := "FROM " + deploys.base + "\n" +
		"COPY bot.py /app/bot.py\n" +
		"WORKDIR /app\n" +
		"USER 10001:10001\n" +
		`CMD ["python", "-u", "bot.py"]` + "\n"
	for name, data := range map[string][]byte{"Dockerfile": []byte(dockerfile), "bot.py": bot} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return "", err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", "build", "-q", "--pull=false", "-t", botImageTag, dir)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("docker build %s: %w: %s", botImageTag, err, out)
	}
	return botImageTag, nil
})
