package deploy

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dockersched "github.com/botrunner/botrunner/scheduler/docker"
	"github.com/botrunner/botrunner/store"
)

// netRuntime is a runtime that makes per-app networks (runtime/docker's
// Driver does): it records what Destroy asks it to remove.
type netRuntime struct {
	*recorder
	mu      sync.Mutex
	removed []string
	err     error
}

func (n *netRuntime) RemoveNetwork(_ context.Context, name string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.removed = append(n.removed, name)
	return n.err
}

func TestAppNetwork(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	h.sopt.Network, h.sopt.Instance = "", "0123456789abcdef"
	nr := &netRuntime{recorder: h.rec}
	h.remake(nr)
	h.mustDeploy()
	cs := h.containers()
	require.Len(t, cs, 1)
	spec, ok := h.rt.Spec(cs[0].ID)
	require.True(t, ok)
	assert.Equal(t, "botrunner-app-01234567-"+testApp, spec.Network, "each app has its own network")
	assert.NotEqual(t, dockersched.AppNetwork("0123456789abcdef", "other-bot"), spec.Network)

	nr.err = errors.New("network has active endpoints")
	require.ErrorIs(t, h.d.Destroy(context.Background(), testApp), ErrDestroyIncomplete)
	nr.err = nil
	require.NoError(t, h.d.Destroy(context.Background(), testApp))
	assert.Equal(t, []string{spec.Network, spec.Network}, nr.removed, "destroy removes the app's network")
}

func TestSharedNetworkKept(t *testing.T) {
	t.Parallel()
	h := newHarness(t, store.AppSettings{})
	nr := &netRuntime{recorder: h.rec}
	h.remake(nr)
	h.mustDeploy()
	require.NoError(t, h.d.Destroy(context.Background(), testApp))
	assert.Empty(t, nr.removed, "a network all bots share stays")
}
