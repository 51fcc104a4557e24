package receive

import (
	"context"
	"errors"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// committer records what a Committer pipeline is told, and the ref as it
// was at that moment.
type committer struct {
	t       *testing.T
	s       **seeded
	ran     *Push
	told    *Push
	err     error
	headNow plumbing.Hash
	fail    error
}

func (c *committer) Run(_ context.Context, p *Push) error { c.ran = p; return c.fail }

func (c *committer) Committed(_ context.Context, p *Push, err error) {
	c.told, c.err = p, err
	c.headNow = head(c.t, (*c.s).r, "refs/heads/main")
}

// A Committer hears of the push only after the objects and the ref are in.
func TestCommitterHearsAfterTheRefMoved(t *testing.T) {
	var s *seeded
	c := &committer{t: t, s: &s}
	s = newSeeded(t, Options{Pipeline: c})
	got := push(t, s.r, pushBytes([]update{{"refs/heads/main", s.c1, s.c2}}, "report-status", s.pack2))
	assert.Equal(t, []string{"unpack ok", "ok refs/heads/main"}, got.report)
	require.NotNil(t, c.told)
	assert.Same(t, c.ran, c.told, "the same push it ran")
	assert.NoError(t, c.err)
	assert.Equal(t, s.c2, c.headNow, "the ref had moved when it was told")
}

// A pipeline that failed is not told: the push is over.
func TestCommitterNotToldWhenItFailed(t *testing.T) {
	var s *seeded
	c := &committer{t: t, s: &s, fail: errors.New("build failed")}
	s = newSeeded(t, Options{Pipeline: c})
	got := push(t, s.r, pushBytes([]update{{"refs/heads/main", s.c1, s.c2}}, "report-status", s.pack2))
	assert.Equal(t, []string{"unpack ok", "ng refs/heads/main build failed"}, got.report)
	assert.NotNil(t, c.ran)
	assert.Nil(t, c.told)
	assert.Equal(t, s.c1, head(t, s.r, "refs/heads/main"))
}
