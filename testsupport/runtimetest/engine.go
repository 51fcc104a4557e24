package runtimetest

import (
	"context"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/botrunner/botrunner/runtime/docker"
	"github.com/botrunner/botrunner/testsupport/testenv/ci"
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
		ci.Missing(t, "no Docker Engine is reachable: "+err.Error())
	}
	t.Cleanup(func() { c.Close() })
	return c
}
