package testenv

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

const (
	// FakeTelegramTag is the fake Telegram Bot API; it listens on
	// FakeTelegramPort and its entrypoint is /faketelegram.
	FakeTelegramTag  = "botrunner-test/faketelegram:1"
	FakeTelegramPort = 8081

	// PipIndexTag is the PEP 503 index with the test wheels; it listens on
	// PipIndexPort and serves the index at /simple/.
	PipIndexTag  = "botrunner-test/pypi:1"
	PipIndexPort = 8080

	// GreetingPackage (module botrunner_greeting, greet(name) → "hello
	// name") and LoudPackage (module botrunner_loud, shout(name) → "HELLO
	// NAME!", requires GreetingPackage) are the wheels the index serves,
	// both version 1.0.0.
	GreetingPackage = "botrunner-greeting"
	LoudPackage     = "botrunner-loud"
)

// staticImage is an image holding one static Go binary and nothing else.
type staticImage struct {
	tag     string
	pkg     string   // main package, relative to testenv
	srcs    []string // directories whose Go files the binary is built from
	changes []string
}

// FakeTelegramImage returns FakeTelegramTag, building it from ./faketelegram
// when missing or when its sources changed.
func FakeTelegramImage(ctx context.Context) (string, error) {
	return buildStatic(ctx, staticImage{
		tag:  FakeTelegramTag,
		pkg:  "faketelegram",
		srcs: []string{"faketelegram", "internal/telegram"},
		changes: []string{`ENTRYPOINT ["/faketelegram"]`, fmt.Sprintf("EXPOSE %d", FakeTelegramPort),
			"USER 65534:65534"},
	})
}

// PipIndexImage returns PipIndexTag, building it from ./pypiserver when
// missing or when its sources changed.
func PipIndexImage(ctx context.Context) (string, error) {
	return buildStatic(ctx, staticImage{
		tag:  PipIndexTag,
		pkg:  "pypiserver",
		srcs: []string{"pypiserver", "internal/pyindex"},
		changes: []string{`ENTRYPOINT ["/pypiserver"]`, fmt.Sprintf("EXPOSE %d", PipIndexPort),
			"USER 65534:65534"},
	})
}

func buildStatic(ctx context.Context, s staticImage) (string, error) {
	dir, err := sourceDir()
	if err != nil {
		return "", err
	}
	stamp, err := sourceStamp(dir, s.srcs)
	if err != nil {
		return "", err
	}
	return ensure(ctx, recipe{tag: s.tag, stamp: stamp, build: func(ctx context.Context, stamp string) error {
		bin, err := goBuild(ctx, dir, s.pkg)
		if err != nil {
			return err
		}
		rootfs, err := binaryTar("/"+s.pkg, bin)
		if err != nil {
			return err
		}
		args := []string{"import", "--change", "LABEL " + stampLabel + "=" + stamp}
		for _, c := range s.changes {
			args = append(args, "--change", c)
		}
		_, err = docker(ctx, bytes.NewReader(rootfs), append(args, "-", s.tag)...)
		return err
	}})
}

// sourceDir is this package's directory; the fakes are built from it.
func sourceDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", ErrNoSource
	}
	dir := filepath.Dir(file)
	if _, err := os.Stat(filepath.Join(dir, "faketelegram", "main.go")); err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoSource, err)
	}
	return dir, nil
}

// sourceStamp hashes the non-test Go files of dirs (relative to root), so
// an edit to a fake rebuilds its image.
func sourceStamp(root string, dirs []string) (string, error) {
	h := sha256.New()
	for _, d := range dirs {
		files, err := filepath.Glob(filepath.Join(root, d, "*.go"))
		if err != nil {
			return "", err
		}
		sort.Strings(files)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "%s %d\n", filepath.Join(d, filepath.Base(f)), len(b))
			h.Write(b)
		}
	}
	return fmt.Sprintf("src-%x", h.Sum(nil)[:8]), nil
}

// goBuild builds ./pkg (under dir) as a static Linux binary for the
// engine's architecture and returns its bytes.
func goBuild(ctx context.Context, dir, pkg string) ([]byte, error) {
	arch, err := dockerArch(ctx)
	if err != nil {
		return nil, err
	}
	out, err := os.MkdirTemp("", "botrunner-testenv-bin-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(out)
	bin := filepath.Join(out, pkg)
	began := time.Now()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "./"+pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./%s: %w: %s", pkg, err, tail(string(msg), 2000))
	}
	Logger.Info("built", "binary", pkg, "goarch", arch, "took", time.Since(began).Round(10*time.Millisecond))
	return os.ReadFile(bin)
}

// binaryTar is a root filesystem holding only the binary at path and a
// world-writable /tmp.
func binaryTar(path string, bin []byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Unix(0, 0)
	entries := []struct {
		hdr  tar.Header
		body []byte
	}{
		{tar.Header{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777, ModTime: mtime}, nil},
		{tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(path, "/"), Mode: 0o755,
			Size: int64(len(bin)), ModTime: mtime}, bin},
	}
	for _, e := range entries {
		if err := tw.WriteHeader(&e.hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
