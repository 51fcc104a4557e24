package deploy

import (
	"context"
	"errors"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// pushUncommitted runs the pipeline for a new commit on main and stops
// where receive would move the objects and the ref in.
func (h *harness) pushUncommitted() (*receive.Push, *syncBuffer) {
	h.t.Helper()
	h.head = h.commit(entry{"bot.py", filemode.Regular, "print('v2')\n"})
	out := &syncBuffer{}
	p := h.push(out, receive.Command{Name: plumbing.ReferenceName("refs/heads/main"), New: h.head})
	require.NoError(h.t, h.d.Run(context.Background(), p), out.String())
	return p, out
}

func TestPushedReleaseIsNotCurrentBeforeCommit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	v1 := h.mustDeploy()
	p, _ := h.pushUncommitted()

	rels := h.releases()
	require.Len(t, rels, 2)
	assert.Equal(t, store.ReleaseStarted, rels[1].Status, "runs, but the push is not stored yet")
	assert.Equal(t, 1, h.app().Current)
	require.Len(t, h.containers(), 2, "v1 is kept, stopped, until v2 is accepted")

	h.d.Committed(context.Background(), p, nil)
	assert.Equal(t, store.ReleaseDeployed, h.releases()[1].Status)
	assert.Equal(t, 2, h.app().Current)
	cs := h.containers()
	require.Len(t, cs, 1)
	assert.NotEqual(t, v1, cs[0].ID)
	assert.Equal(t, "2", cs[0].Labels["botrunner.release"])
	assert.True(t, cs[0].Running)
}

func TestPushNotStoredTakesTheReleaseBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	v1 := h.mustDeploy()
	p, out := h.pushUncommitted()

	h.d.Committed(context.Background(), p, receive.ErrNotStored.With("could not store the pushed objects", errors.New("disk full")))
	rels := h.releases()
	assert.Equal(t, store.ReleaseFailed, rels[1].Status)
	assert.Contains(t, rels[1].Reason, "the push was not stored")
	assert.Equal(t, 1, h.app().Current)
	cs := h.containers()
	require.Len(t, cs, 1, "v2's container is gone")
	assert.Equal(t, v1, cs[0].ID, "v1 runs again, the same container")
	assert.True(t, cs[0].Running)
	assert.Contains(t, h.b.removedImages(), "botrunner/echo-bot:v2", "the image built for v2 goes")
	assert.Contains(t, out.String(), "taking v2 back")
}

// Between the pipeline and the commit the app says "starting", not what
// its stopped old container would say.
func TestStartingUntilCommitted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.mustDeploy()
	p, _ := h.pushUncommitted()
	s, err := h.d.AppStatus(context.Background(), h.app())
	require.NoError(t, err)
	assert.Equal(t, string(PhaseStarting), s.State)
	h.d.Committed(context.Background(), p, nil)
	s, err = h.d.AppStatus(context.Background(), h.app())
	require.NoError(t, err)
	assert.Equal(t, "running", s.State)
	assert.Equal(t, 2, s.Release)
}

// A release whose push's end was never reported (a Pipeline wrapper that
// drops Committed) is taken back before the next push deploys: never
// accepted without the repository's word, never left holding the old
// container.
func TestUncommittedReleaseTakenBackByTheNextPush(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	v1 := h.mustDeploy()
	h.pushUncommitted() // Committed never comes
	p, _ := h.pushUncommitted()
	rels := h.releases()
	require.Len(t, rels, 3)
	assert.Equal(t, store.ReleaseFailed, rels[1].Status)
	assert.Contains(t, rels[1].Reason, "never reported")
	h.d.Committed(context.Background(), p, nil)
	assert.Equal(t, 3, h.app().Current)
	cs := h.containers()
	require.Len(t, cs, 1, "v1's and v2's containers are gone")
	assert.NotEqual(t, v1, cs[0].ID)
	assert.Equal(t, "3", cs[0].Labels["botrunner.release"])
}
