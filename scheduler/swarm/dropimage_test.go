package swarm

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/build"
)

// registryCopies is a registry as DropImage sees it: copies by app and
// release, and what was deleted.
type registryCopies struct {
	Images
	copies  map[string]string // "app:n" → name by digest
	deleted []string
}

func (r *registryCopies) Pushed(_ context.Context, app string, n int) (string, error) {
	return r.copies[fmt.Sprintf("%s:%d", app, n)], nil
}

func (r *registryCopies) Delete(_ context.Context, ref string) error {
	r.deleted = append(r.deleted, ref)
	return nil
}

// TestDropImageAfterRestart: the copy this gitd pushed goes by the digest
// it kept; one pushed before gitd restarted goes by the digest the
// registry gives for the release's tag; a tag of no release form, or a
// release the registry lacks, deletes nothing.
func TestDropImageAfterRestart(t *testing.T) {
	reg := &registryCopies{copies: map[string]string{"my-bot:2": "reg/my-bot@sha256:old"}}
	s := New(nil, reg, Config{})
	s.pushed[build.Tag("my-bot", 5)] = "reg/my-bot@sha256:new"

	require.NoError(t, s.DropImage(t.Context(), build.Tag("my-bot", 5)))
	require.NoError(t, s.DropImage(t.Context(), build.Tag("my-bot", 2)))
	require.NoError(t, s.DropImage(t.Context(), build.Tag("my-bot", 3)))
	require.NoError(t, s.DropImage(t.Context(), "python:3.11-slim"))
	assert.Equal(t, []string{"reg/my-bot@sha256:new", "reg/my-bot@sha256:old"}, reg.deleted)
}

func TestReleaseOfTag(t *testing.T) {
	app, n, ok := releaseOfTag(build.Tag("a-b-c", 12))
	assert.True(t, ok)
	assert.Equal(t, "a-b-c", app)
	assert.Equal(t, 12, n)
	for _, bad := range []string{"botrunner/x:latest", "botrunner/x:v0", "botrunner/:v1", "botrunner/a/b:v1", "other/x:v1", "botrunner/x:v1x"} {
		_, _, ok := releaseOfTag(bad)
		assert.False(t, ok, bad)
	}
}
