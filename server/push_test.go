package server

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/deploy"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/receive"
)

// failingBuild is a pipeline that reports progress and then fails.
func failingBuild(_ context.Context, p *receive.Push) error {
	fmt.Fprint(p.Progress, "building...\n")
	fmt.Fprint(p.Progress, "step 2 failed\n")
	return hint.New("BUILD_FAILED", "build failed", "fix the build")
}

func TestPushAcceptedByPipeline(t *testing.T) {
	h := newHarness(t)
	got := make(chan []receive.Command, 1)
	h.setPipeline(func(_ context.Context, p *receive.Push) error {
		got <- p.Updates
		fmt.Fprint(p.Progress, "deployed\n")
		return nil
	})
	dir := h.workRepo(h.admin, "my-bot")
	tip := h.gitOK(h.admin, dir, "rev-parse", "HEAD")

	r := h.git(h.admin, dir, "push", "bots", "main")
	require.Zero(t, r.code, r.String())
	assert.Contains(t, r.stderr, "remote: deployed")
	updates := waitFor(t, got, time.Second, "the pipeline's updates")
	require.Len(t, updates, 1)
	assert.Equal(t, "refs/heads/main", updates[0].Name.String())
	assert.Equal(t, tip, updates[0].New.String())
	assert.Equal(t, tip, h.remoteRef(h.admin, "my-bot", "refs/heads/main"))
	requireNoQuarantine(t, h.repoDir("my-bot"))
}

func TestFailedBuildLeavesRepoUnchanged(t *testing.T) {
	h := newHarness(t)
	dir := h.workRepo(h.admin, "my-bot")
	old := h.gitOK(h.admin, dir, "rev-parse", "HEAD")
	h.gitOK(h.admin, dir, "push", "-q", "bots", "main")
	before := snapshot(t, h.repoDir("my-bot")+"/objects")

	h.setPipeline(failingBuild)
	h.commit(h.admin, dir, "bot.py", "print('broken')\n")
	r := h.git(h.admin, dir, "push", "bots", "main")

	assert.NotZero(t, r.code, r.String())
	assert.Contains(t, r.stderr, "remote: building...")
	assert.Contains(t, r.stderr, "remote: step 2 failed")
	assert.Contains(t, r.stderr, "(build failed)")
	assert.Contains(t, r.stderr, "fix the build")
	assert.Equal(t, old, h.remoteRef(h.admin, "my-bot", "refs/heads/main"))
	assert.Equal(t, before, snapshot(t, h.repoDir("my-bot")+"/objects"), "objects changed")
	requireNoQuarantine(t, h.repoDir("my-bot"))
}

func TestFailedFirstPushLeavesNoApp(t *testing.T) {
	h := newHarness(t)
	h.setPipeline(failingBuild)
	dir := h.workRepo(h.admin, "new-bot")

	r := h.git(h.admin, dir, "push", "bots", "main")
	require.NotZero(t, r.code, r.String())
	assert.Contains(t, r.stderr, "(build failed)")

	apps := h.sshCmd(h.admin, "", "apps")
	require.Zero(t, apps.code, apps.String())
	assert.NotContains(t, apps.stdout, "new-bot")
	_, err := os.Stat(h.repoDir("new-bot"))
	assert.ErrorIs(t, err, os.ErrNotExist, "repo dir left behind")

	// The name is free again: a good push creates the app.
	h.setPipeline(nil)
	h.gitOK(h.admin, dir, "push", "-q", "bots", "main")
	assert.Contains(t, h.sshCmd(h.admin, "", "apps").stdout, "new-bot")
}

// A first release that was built but crashed in its start check keeps the
// app for its pusher (no ref, no release), so config:set and a second push
// finish the job; a push that creates an app says so.
func TestStartFailedFirstPushKeepsApp(t *testing.T) {
	h := newHarness(t)
	h.setPipeline(func(_ context.Context, p *receive.Push) error {
		return deploy.ErrStartFailed.With("v1 exited with code 1 during the start check", nil)
	})
	dir := h.workRepo(h.admin, "new-bot")
	r := h.git(h.admin, dir, "push", "bots", "main")
	require.NotZero(t, r.code, r.String())
	assert.Contains(t, r.stderr, "created app new-bot, not started")
	assert.Contains(t, h.sshCmd(h.admin, "", "apps").stdout, "new-bot")
	assert.Empty(t, h.remoteRef(h.admin, "new-bot", "refs/heads/main"), "the ref is not stored")

	h.setPipeline(nil)
	r = h.git(h.admin, dir, "push", "bots", "main")
	require.Zero(t, r.code, r.String())
	assert.NotContains(t, r.stderr, "created app", "the second push creates nothing")
	assert.Equal(t, h.gitOK(h.admin, dir, "rev-parse", "HEAD"), h.remoteRef(h.admin, "new-bot", "refs/heads/main"))

	other := h.workRepo(h.admin, "typo-bot")
	r = h.git(h.admin, other, "push", "bots", "main")
	require.Zero(t, r.code, r.String())
	assert.Contains(t, r.stderr, "created app typo-bot (a new app")
}

// blocker is a pipeline that blocks until its context ends, and says when it
// started and when its context was cancelled.
type blocker struct {
	started, cancelled chan struct{}
	once               sync.Once
}

func newBlocker() *blocker {
	return &blocker{started: make(chan struct{}), cancelled: make(chan struct{})}
}

func (b *blocker) run(ctx context.Context, _ *receive.Push) error {
	b.once.Do(func() { close(b.started) })
	<-ctx.Done()
	close(b.cancelled)
	return ctx.Err()
}

func TestClientDisconnectCancelsPipeline(t *testing.T) {
	h := newHarness(t)
	dir := h.workRepo(h.admin, "my-bot")
	old := h.gitOK(h.admin, dir, "rev-parse", "HEAD")
	h.gitOK(h.admin, dir, "push", "-q", "bots", "main")

	b := newBlocker()
	h.setPipeline(b.run)
	h.commit(h.admin, dir, "bot.py", "print('v2')\n")
	push := h.command(h.admin, dir, "git", "push", "bots", "main")
	require.NoError(t, push.Start())
	waited := make(chan error, 1)
	go func() { waited <- push.Wait() }()
	waitFor(t, b.started, 30*time.Second, "the pipeline to start")

	// Kill git and the ssh it started: the whole process group.
	require.NoError(t, syscall.Kill(-push.Process.Pid, syscall.SIGKILL))
	waitFor(t, waited, 10*time.Second, "git to die")
	waitFor(t, b.cancelled, 10*time.Second, "the pipeline's context to be cancelled")

	assert.Equal(t, old, h.remoteRef(h.admin, "my-bot", "refs/heads/main"))
	// The app's lock was given back: the next push goes through.
	h.setPipeline(nil)
	r := h.git(h.admin, dir, "push", "bots", "main")
	require.Zero(t, r.code, r.String())
	assert.NotContains(t, r.stderr, "waiting for another push")
	assert.Equal(t, h.gitOK(h.admin, dir, "rev-parse", "HEAD"), h.remoteRef(h.admin, "my-bot", "refs/heads/main"))
	requireNoQuarantine(t, h.repoDir("my-bot"))
}

// Two first pushes to one new name: the one that created the app fails and
// takes the app back; the other must not be accepted into the repo that is
// then deleted (it waits, and creates the app itself).
func TestConcurrentFirstPushes(t *testing.T) {
	h := newHarness(t)
	calls := make(chan chan error)
	h.setPipeline(func(ctx context.Context, _ *receive.Push) error {
		reply := make(chan error)
		select {
		case calls <- reply:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case err := <-reply:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	a := h.workRepo(h.admin, "race-bot")
	b := h.workRepo(h.admin, "race-bot")
	tipB := h.commit(h.admin, b, "other.py", "print('b')\n")

	pushA := h.command(h.admin, a, "git", "push", "bots", "main")
	require.NoError(t, pushA.Start())
	doneA := make(chan error, 1)
	go func() { doneA <- pushA.Wait() }()
	replyA := waitFor(t, calls, 30*time.Second, "push A's pipeline")

	pushB := h.command(h.admin, b, "git", "push", "bots", "main")
	var errB syncBuffer
	pushB.Stderr = &errB
	require.NoError(t, pushB.Start())
	doneB := make(chan error, 1)
	go func() { doneB <- pushB.Wait() }()
	require.Eventually(t, func() bool { return strings.Contains(errB.String(), "waiting for") },
		30*time.Second, 10*time.Millisecond, "push B does not wait for A")

	replyA <- hint.New("BUILD_FAILED", "build failed", "fix the build")
	waitFor(t, calls, 30*time.Second, "push B's pipeline") <- nil
	require.NoError(t, waitFor(t, doneB, 30*time.Second, "push B"), errB.String())
	assert.Error(t, waitFor(t, doneA, 30*time.Second, "push A"))

	assert.Equal(t, tipB, h.remoteRef(h.admin, "race-bot", "refs/heads/main"))
	assert.Contains(t, h.sshCmd(h.admin, "", "apps").stdout, "race-bot")
}
