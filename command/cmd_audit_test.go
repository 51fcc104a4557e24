package command

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/audit"
)

// TestAuditOwnerSeesOnlyOwnHistory: an owner reads the entries of the apps
// they own from each app's creation on — not those of an earlier app of
// the same name (destroyed, then made again by another user), nor other
// users' apps; collaborators read none; admins read all.
func TestAuditOwnerSeesOnlyOwnHistory(t *testing.T) {
	w := newWorld(t)
	l, err := audit.Open(t.TempDir(), 1<<20, 1)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	w.r.d.Audit = l
	app, err := w.s.App("alice-bot")
	require.NoError(t, err)
	for _, e := range []audit.Entry{
		{Time: app.Created.Add(-time.Hour), Actor: "mallory", Remote: "10.9.9.9:1", Action: "push", App: "alice-bot", OK: true},
		{Time: app.Created.Add(time.Second), Actor: "alice", Remote: "10.0.0.1:1", Action: "push", App: "alice-bot", OK: true},
		{Time: app.Created.Add(time.Second), Actor: "carol", Remote: "10.0.0.3:1", Action: "push", App: "carol-bot", OK: true},
	} {
		require.NoError(t, l.Write(e))
	}
	for _, args := range [][]string{{"audit", "--json"}, {"audit", "alice-bot", "--json"}} {
		out := w.ok("alice", "", args...)
		assert.Contains(t, out, `"actor": "alice"`, "%v", args)
		assert.NotContains(t, out, "mallory", "%v: the name's earlier owner's history", args)
		assert.NotContains(t, out, "carol", "%v", args)
	}
	res := w.run("bob", "", "audit", "alice-bot")
	assert.Equal(t, 1, res.code, "a collaborator")
	out := w.ok("root", "", "audit", "alice-bot", "--json")
	assert.Contains(t, out, "mallory", "admins read everything")
}
