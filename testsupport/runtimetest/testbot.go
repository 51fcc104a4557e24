package runtimetest

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"time"

	"github.com/moby/moby/client"
)

// TestbotTag is the test image: /testbot (see ./testbot) as its
// entrypoint and an empty /tmp, nothing else.
const TestbotTag = "botrunner-test/testbot:1"

// stampLabel holds a hash of the testbot sources, so an edit rebuilds it.
const stampLabel = "org.botrunner.testbot.stamp"

// ImageClient is what TestbotImage needs of the moby client.
type ImageClient interface {
	ImageInspect(ctx context.Context, ref string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
	ImageImport(ctx context.Context, src client.ImageImportSource, ref string, o client.ImageImportOptions) (client.ImageImportResult, error)
	ImageRemove(ctx context.Context, id string, o client.ImageRemoveOptions) (client.ImageRemoveResult, error)
}

// TestbotImage returns TestbotTag, building it first when it is missing or
// older than the sources: a static binary (CGO_ENABLED=0) imported as the
// only file of an image, because no registry (and so no base image) can be
// reached here.
func TestbotImage(ctx context.Context, c ImageClient) (string, error) {
	dir, err := testbotDir()
	if err != nil {
		return "", err
	}
	stamp, err := sourceStamp(dir)
	if err != nil {
		return "", err
	}
	oldID := ""
	if img, err := c.ImageInspect(ctx, TestbotTag); err == nil {
		if img.Config != nil && img.Config.Labels[stampLabel] == stamp {
			return TestbotTag, nil
		}
		oldID = img.ID
	}
	bin, err := buildTestbot(ctx, dir)
	if err != nil {
		return "", err
	}
	rootfs, err := rootfsTar(bin)
	if err != nil {
		return "", err
	}
	res, err := c.ImageImport(ctx, client.ImageImportSource{Source: bytes.NewReader(rootfs), SourceName: "-"}, TestbotTag,
		client.ImageImportOptions{Changes: []string{`ENTRYPOINT ["/testbot"]`, "LABEL " + stampLabel + "=" + stamp}})
	if err != nil {
		return "", fmt.Errorf("import %s: %w", TestbotTag, err)
	}
	defer res.Close()
	if err := streamError(res); err != nil {
		return "", fmt.Errorf("import %s: %w", TestbotTag, err)
	}
	if oldID != "" {
		// Untagged now; drop it rather than leave a dangling image per edit.
		_, _ = c.ImageRemove(ctx, oldID, client.ImageRemoveOptions{})
	}
	return TestbotTag, nil
}

func testbotDir() (string, error) {
	_, file, _, ok := goruntime.Caller(0)
	if !ok {
		return "", ErrNoSource
	}
	dir := filepath.Join(filepath.Dir(file), "testbot")
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoSource, err)
	}
	return dir, nil
}

func sourceStamp(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return "", err
	}
	slices.Sort(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(b))
		h.Write(b)
	}
	return fmt.Sprintf("%x", h.Sum(nil)[:8]), nil
}

// buildTestbot compiles for the engine, which is on this machine (the test
// network rule), so for this GOARCH.
func buildTestbot(ctx context.Context, dir string) ([]byte, error) {
	out, err := os.MkdirTemp("", "botrunner-testbot-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(out)
	bin := filepath.Join(out, "testbot")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goruntime.GOARCH)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build testbot: %w: %s", err, msg)
	}
	return os.ReadFile(bin)
}

// rootfsTar is the image's whole filesystem: /testbot and a sticky,
// world-writable /tmp (the container mounts a tmpfs over it anyway).
func rootfsTar(bin []byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Unix(0, 0)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777, ModTime: mtime}); err != nil {
		return nil, err
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "testbot", Mode: 0o755, Size: int64(len(bin)), ModTime: mtime}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(bin); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// streamError reads the engine's JSON message stream to its end and
// returns the first error it carries.
func streamError(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Error       string `json:"error"`
			ErrorDetail *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if msg.ErrorDetail != nil && msg.ErrorDetail.Message != "" {
			return errors.New(msg.ErrorDetail.Message)
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
}
