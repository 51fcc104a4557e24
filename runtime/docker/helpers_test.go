package docker_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/testsupport/runtimetest"
)

// engine returns a client for the test engine (see runtimetest.Engine).
func engine(t *testing.T) *client.Client { return runtimetest.Engine(t) }

var testbotOnce sync.Mutex

// testbot builds (once per machine, reused after) the testbot image.
func testbot(t *testing.T, c *client.Client) string {
	t.Helper()
	testbotOnce.Lock()
	defer testbotOnce.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	began := time.Now()
	img, err := runtimetest.TestbotImage(ctx, c)
	if err != nil {
		t.Fatalf("testbot image: %v", err)
	}
	t.Logf("testbot image %s ready in %v", img, time.Since(began).Round(time.Millisecond))
	return img
}

func token() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// scope is one test's own network and labels (runtimetest.Scope).
type scope = runtimetest.Scope

func newScope(t *testing.T, c *client.Client) scope { return runtimetest.NewScope(t, c) }

func logger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
