package runtimetest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime/docker"
)

// Engine returns a client for the test engine, closed when t ends. No
// engine skips the test, except with CI=true, where it is a broken machine
// and fails: a test skipped in CI proves nothing.
func Engine(t testing.TB) *client.Client {
	t.Helper()
	c, err := docker.NewClient()
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err = c.Ping(ctx, client.PingOptions{})
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no Docker Engine is reachable: %v", err)
		}
		t.Skipf("skipping: no Docker Engine: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
