package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// docker runs the docker CLI and returns its trimmed stdout; a failure
// carries stderr. stdin may be nil.
func docker(ctx context.Context, stdin io.Reader, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("docker %s: %w: %s", firstArgs(args), err, tail(stderr.String(), 2000))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// firstArgs names a docker call in errors without dumping scripts.
func firstArgs(args []string) string {
	if len(args) > 3 {
		args = args[:3]
	}
	return strings.Join(args, " ")
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// pingDocker asks the engine for its API version once per process.
var pingDocker = sync.OnceValue(func() error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := exec.LookPath("docker"); err != nil {
		return fmt.Errorf("%w: docker CLI not found: %v", ErrNoDocker, err)
	}
	if _, err := docker(ctx, nil, "version", "--format", "{{.Server.APIVersion}}"); err != nil {
		return fmt.Errorf("%w: %v", ErrNoDocker, err)
	}
	return nil
})

// RequireDocker skips the test when no Docker Engine is reachable — unless
// CI=true, where a missing engine is a broken machine and the test fails.
func RequireDocker(t testing.TB) {
	t.Helper()
	err := pingDocker()
	if err == nil {
		return
	}
	ci.Missing(t, err.Error())
}

// stampLabel records what an image was built from, so a changed recipe or
// source rebuilds it.
const stampLabel = "org.botrunner.testenv.stamp"

// imageStamp returns the image's ID and stamp label; exists is false when
// there is no image with that tag.
func imageStamp(ctx context.Context, tag string) (id, stamp string, exists bool, err error) {
	out, err := docker(ctx, nil, "image", "inspect", "--format", "{{json .}}", tag)
	if err != nil {
		if strings.Contains(err.Error(), "No such image") {
			return "", "", false, nil
		}
		return "", "", false, err
	}
	var img struct {
		ID     string
		Config struct{ Labels map[string]string }
	}
	if err := json.Unmarshal([]byte(out), &img); err != nil {
		return "", "", false, fmt.Errorf("inspect %s: %w", tag, err)
	}
	return img.ID, img.Config.Labels[stampLabel], true, nil
}

// dockerArch is the engine's GOARCH, which the fake servers are built for.
func dockerArch(ctx context.Context) (string, error) {
	arch, err := docker(ctx, nil, "version", "--format", "{{.Server.Arch}}")
	if err != nil {
		return "", err
	}
	if arch == "" {
		return "", errors.New("docker version: engine reported no architecture")
	}
	return arch, nil
}
