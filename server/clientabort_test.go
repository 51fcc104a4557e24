package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/receive"
)

// A client that gives up on its own — after the advertisement, in the
// middle of what it would send — is no server error: the pusher is not told
// "internal error … try again", gitd logs nothing at ERROR, and the app's
// refs do not move.
func TestClientAbortIsNoInternalError(t *testing.T) {
	h := newHarness(t)
	dir := h.workRepo(h.admin, "my-bot")
	h.gitOK(h.admin, dir, "push", "-q", "bots", "main", "main:feature")
	tip := h.remoteRef(h.admin, "my-bot", "refs/heads/main")
	// feature is rewritten: a push of it is not a fast-forward, which the
	// client sees in the advertisement.
	h.gitOK(h.admin, dir, "checkout", "-q", "-b", "feature")
	h.gitOK(h.admin, dir, "commit", "-q", "--amend", "-m", "rewritten")
	h.gitOK(h.admin, dir, "checkout", "-q", "main")
	next := h.commit(h.admin, dir, "bot.py", "print('two')\n")

	for _, args := range [][]string{
		{"push", "--signed", "bots", "main"},                                    // gitd offers no push-cert
		{"push", "--atomic", "bots", "main", "feature"},                         // feature is known to be refused
		{"clone", "-q", "--depth", "1", h.remote("my-bot"), t.TempDir() + "/c"}, // shallow
	} {
		r := h.git(h.admin, dir, args...)
		if args[0] == "clone" && r.code == 0 {
			continue // the server offers shallow clones: nothing aborted
		}
		require.NotZero(t, r.code, "git %v\n%s", args, r)
		assert.NotContains(t, r.stderr, hint.ErrInternal.Msg, "git %v", args)
		assert.NotContains(t, r.stderr, receive.ErrBadRequest.Msg, "git %v", args)
	}
	assert.NotContains(t, h.logs.String(), "level=ERROR")
	assert.Equal(t, tip, h.remoteRef(h.admin, "my-bot", "refs/heads/main"))
	assert.NotEqual(t, next, tip)
}
