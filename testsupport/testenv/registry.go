package testenv

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// The image registry image-mode tests pull from: distribution's own
// registry, compiled from its Go module (nothing can be pulled here, not
// even a registry image), run as a process on 127.0.0.1 with htpasswd auth.
// The engine treats 127.0.0.0/8 registries as insecure-allowed, so plain
// http works without any daemon configuration.
const (
	registryPkg     = "github.com/distribution/distribution/v3/cmd/registry"
	registryVersion = "v3.1.2"
)

// Registry is a running test registry.
type Registry struct {
	Addr     string // 127.0.0.1:port, the image refs' registry part
	User     string
	Password string

	cmd     *exec.Cmd
	exited  chan struct{}
	logPath string
}

// RegistryBinary returns the registry binary, building it the first time
// on this machine with `go install` from the Go module proxy (about 2
// minutes) into a cache dir next to the image locks.
func RegistryBinary(ctx context.Context) (string, error) {
	dir := filepath.Join(lockDir(), "botrunner-testenv", "registry-"+registryVersion)
	bin := filepath.Join(dir, "registry")
	if isExecutable(bin) {
		return bin, nil
	}
	unlock, err := lockFile(ctx, "botrunner-testenv-registry-"+registryVersion)
	if err != nil {
		return "", fmt.Errorf("lock registry build: %w", err)
	}
	defer unlock()
	if isExecutable(bin) {
		return bin, nil // another process built it while we waited
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	Logger.Info("building the test registry (once per machine)", "module", registryPkg, "version", registryVersion)
	began := time.Now()
	// Outside our module, with the proxy: the registry's dependencies never
	// enter botrunner's go.mod.
	cmd := exec.CommandContext(ctx, "go", "install", registryPkg+"@"+registryVersion)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s@%s: %w: %s", registryPkg, registryVersion, err, tail(string(msg), 2000))
	}
	if err := os.Rename(filepath.Join(tmp, "registry"), bin); err != nil {
		return "", err
	}
	Logger.Info("test registry built", "binary", bin, "took", time.Since(began).Round(time.Second))
	return bin, nil
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// StartRegistry runs a registry for the test, with its storage in a temp
// dir and one user with a random password; it stops in t.Cleanup.
func StartRegistry(t testing.TB) *Registry {
	t.Helper()
	r, err := RunRegistry(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("test registry: %v", err)
	}
	t.Cleanup(func() {
		r.Stop()
		r.RemovePulled()
	})
	return r
}

// RunRegistry runs a registry with its storage, config and log in dir
// (which must exist). The caller calls Stop.
func RunRegistry(ctx context.Context, dir string) (*Registry, error) {
	bin, err := RegistryBinary(ctx)
	if err != nil {
		return nil, err
	}
	r := &Registry{User: "botrunner", Password: randomHex(16), logPath: filepath.Join(dir, "registry.log")}
	if err := writeHtpasswd(filepath.Join(dir, "htpasswd"), r.User, r.Password); err != nil {
		return nil, err
	}
	// Another process may take the free port before the registry binds it:
	// try again with another.
	for attempt := 0; ; attempt++ {
		err = r.start(ctx, bin, dir)
		if err == nil || attempt == 2 {
			return r, err
		}
		Logger.Info("test registry did not start, trying another port", "err", err)
	}
}

// start runs the registry on a free port and waits until it answers.
func (r *Registry) start(ctx context.Context, bin, dir string) error {
	port, err := freeLoopbackPort()
	if err != nil {
		return err
	}
	r.Addr = "127.0.0.1:" + port
	cfg := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfg, []byte(registryConfig(dir, r.Addr)), 0o600); err != nil {
		return err
	}
	logf, err := os.Create(r.logPath)
	if err != nil {
		return err
	}
	defer logf.Close() // the child keeps its own descriptor
	r.cmd = exec.Command(bin, "serve", cfg)
	r.cmd.Stdout, r.cmd.Stderr = logf, logf
	r.cmd.Env = append(os.Environ(), "OTEL_TRACES_EXPORTER=none", "OTEL_SDK_DISABLED=true")
	if err := r.cmd.Start(); err != nil {
		return fmt.Errorf("start registry: %w", err)
	}
	r.exited = make(chan struct{})
	go func() { _ = r.cmd.Wait(); close(r.exited) }()
	if err := r.waitReady(ctx); err != nil {
		r.Stop()
		log, _ := os.ReadFile(r.logPath)
		return fmt.Errorf("%w; registry log: %s", err, tail(string(log), 2000))
	}
	Logger.Info("test registry up", "addr", r.Addr)
	return nil
}

// waitReady polls /v2/ until the registry asks for a login (401).
func (r *Registry) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	hc := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		resp, err := hc.Get("http://" + r.Addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized {
				return nil
			}
		}
		select {
		case <-r.exited:
			return errors.New("the registry exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("the registry did not answer on %s within 30s", r.Addr)
}

// Stop ends the registry and waits for it.
func (r *Registry) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.exited
}

// RemovePulled removes the engine's names of images pulled from the
// registry (a swarm's tasks pull by digest): the registry's address is
// unique while it ran, so they are the test's own. The images stay when
// other names hold them.
func (r *Registry) RemovePulled() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "docker", "images", "--digests", "--format", "{{.Repository}}@{{.Digest}}").Output()
	for _, ref := range strings.Fields(string(out)) {
		if strings.HasPrefix(ref, r.Addr+"/") {
			_ = exec.CommandContext(ctx, "docker", "rmi", "-f", ref).Run()
		}
	}
}

func registryConfig(dir, addr string) string {
	return fmt.Sprintf(`version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
auth:
  htpasswd:
    realm: botrunner-test
    path: %s
`, filepath.Join(dir, "storage"), addr, filepath.Join(dir, "htpasswd"))
}

func writeHtpasswd(path, user, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(user+":"+string(hash)+"\n"), 0o600)
}

func freeLoopbackPort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Push tags the local image as Addr/name (name is "repo:tag") and pushes it
// with the registry's login, then drops the local tag again, so the engine
// holds the image only under its own name: a later deploy must pull it.
// It returns the pushed ref.
func (r *Registry) Push(ctx context.Context, image, name string) (string, error) {
	ref := r.Addr + "/" + strings.TrimPrefix(name, "/")
	cfgDir, err := os.MkdirTemp("", "botrunner-docker-config-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(cfgDir)
	if _, err := docker(ctx, strings.NewReader(r.Password), "--config", cfgDir, "login",
		"--username", r.User, "--password-stdin", r.Addr); err != nil {
		return "", err
	}
	if _, err := docker(ctx, nil, "tag", image, ref); err != nil {
		return "", err
	}
	defer func() { _, _ = docker(context.WithoutCancel(ctx), nil, "image", "rm", ref) }()
	if _, err := docker(ctx, nil, "--config", cfgDir, "push", ref); err != nil {
		return "", err
	}
	return ref, nil
}

// TinyImage imports a one-file image (no base image needed: nothing can be
// pulled here) running as nobody, unique to the test, and returns its tag;
// it is removed when the test ends.
func TinyImage(t testing.TB) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	body := []byte("tiny " + t.Name() + " " + UniqueName("x") + "\n")
	if err := tw.WriteHeader(&tar.Header{Name: "hello", Mode: 0o644, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	_, _ = tw.Write(body)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	tag := "botrunner-test/tiny:" + strings.ReplaceAll(UniqueName("t"), "_", "-")
	if _, err := docker(context.Background(), &buf, "import", "--change", "USER 65534:65534", "-", tag); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = docker(context.Background(), nil, "image", "rm", "-f", tag) })
	return tag
}
