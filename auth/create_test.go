package auth

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/store"
)

func TestPushTarget(t *testing.T) {
	w := newWorld(t, 2)
	tests := []struct {
		name    string
		id      Identity
		app     string
		created bool
		code    string
	}{
		{"owner pushes existing", w.bob, "bob-bot", false, ""},
		{"collaborator pushes existing", w.carol, "bob-bot", false, ""},
		{"deploy key pushes its app", w.deploy, "bob-bot", false, ""},
		{"first push creates", w.bob, "bob-two", true, ""},
		{"second push to it", w.bob, "bob-two", false, ""},
		{"over quota", w.bob, "bob-three", false, "QUOTA_EXCEEDED"},
		{"admin has no quota 1", w.alice, "admin-1", true, ""},
		{"admin has no quota 2", w.alice, "admin-2", true, ""},
		{"admin has no quota 3", w.alice, "admin-3", true, ""},
		{"stranger to a taken name", w.erin, "dave-bot", false, "APP_NOT_FOUND"},
		{"deploy key cannot create", w.deploy, "new-bot", false, "APP_NOT_FOUND"},
		{"deploy key other app", w.deploy, "dave-bot", false, "APP_NOT_FOUND"},
		{"invalid name", w.erin, "Bad_Name", false, "INVALID_APP_NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, created, err := w.a.PushTarget(tt.id, tt.app)
			assert.Equal(t, tt.created, created)
			if tt.code != "" {
				assert.Equal(t, tt.code, hint.CodeOf(err), "%v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.app, app.Name)
			if created {
				assert.Equal(t, tt.id.User, app.Owner)
			}
		})
	}
	_, err := w.s.App("bob-three")
	assert.ErrorIs(t, err, store.ErrNotFound, "a refused push must not create the app")
	_, err = w.s.App("new-bot")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestQuotaHint(t *testing.T) {
	w := newWorld(t, 1)
	const want = "you have 1 of 1 apps; destroy one with `apps:destroy <app> --confirm <app>` " +
		"or ask an admin to raise GITD_MAX_BOTS_PER_USER"
	_, _, err := w.a.PushTarget(w.bob, "bob-two")
	require.ErrorIs(t, err, store.ErrQuotaExceeded)
	assert.Equal(t, want, hint.TipOf(err))
	_, err = w.a.CreateApp(w.bob, "bob-two")
	require.ErrorIs(t, err, store.ErrQuotaExceeded)
	assert.Equal(t, want, hint.TipOf(err))
}

func TestCreateApp(t *testing.T) {
	w := newWorld(t, 2)
	tests := []struct {
		name string
		id   Identity
		app  string
		code string
	}{
		{"user creates", w.erin, "erin-bot", ""},
		{"name taken by own app", w.bob, "bob-bot", "ALREADY_EXISTS"},
		{"name taken by other", w.erin, "dave-bot", "ALREADY_EXISTS"},
		{"within quota", w.bob, "bob-two", ""},
		{"over quota", w.bob, "bob-three", "QUOTA_EXCEEDED"},
		{"admin unlimited", w.alice, "a-1", ""},
		{"deploy key", w.deploy, "dep-bot", "FORBIDDEN"},
		{"empty identity", Identity{}, "nobody-bot", "UNKNOWN_KEY"},
		{"invalid name", w.erin, "x", "INVALID_APP_NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, err := w.a.CreateApp(tt.id, tt.app)
			if tt.code != "" {
				assert.Equal(t, tt.code, hint.CodeOf(err), "%v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.id.User, app.Owner)
			assert.False(t, app.Created.IsZero())
		})
	}
}

// TestConcurrentPushes checks that parallel first pushes neither overshoot
// the quota nor fail for the user who won the race on a name.
func TestConcurrentPushes(t *testing.T) {
	w := newWorld(t, 3)
	var wg sync.WaitGroup
	const n = 12
	var created [n]bool
	var errs [n]error
	for i := range n {
		wg.Go(func() { _, created[i], errs[i] = w.a.PushTarget(w.erin, fmt.Sprintf("erin-%02d", i)) })
	}
	wg.Wait()
	ok := 0
	for i := range n {
		if errs[i] == nil {
			ok++
			assert.True(t, created[i])
		} else {
			assert.ErrorIs(t, errs[i], store.ErrQuotaExceeded)
		}
	}
	assert.Equal(t, 3, ok)

	var same [n]error
	var sameCreated [n]bool
	for i := range n {
		wg.Go(func() { _, sameCreated[i], same[i] = w.a.PushTarget(w.alice, "contested") })
	}
	wg.Wait()
	first := 0
	for i := range n {
		require.NoError(t, same[i])
		if sameCreated[i] {
			first++
		}
	}
	assert.Equal(t, 1, first, "exactly one push creates the app")
}

func TestMemoryQuotaCapsApps(t *testing.T) {
	w := newWorld(t, 5)
	a := New(w.s, 5, MemoryQuota(256<<20, 600<<20)) // two 256 MiB bots fit in 600 MiB, a third does not
	erin := w.erin
	_, err := a.CreateApp(erin, "bot-one")
	require.NoError(t, err)
	_, err = a.CreateApp(erin, "bot-two")
	require.NoError(t, err)
	_, err = a.CreateApp(erin, "bot-three")
	require.Error(t, err)
	assert.Equal(t, "QUOTA_EXCEEDED", hint.CodeOf(err))
	assert.Contains(t, err.Error(), "memory quota exceeded")
	assert.Contains(t, hint.TipOf(err), "GITD_USER_MEMORY")
}
