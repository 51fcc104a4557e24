package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

func TestCreateApp(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "taken", Owner: "carol"}, 0))
	tests := []struct {
		name  string
		app   App
		limit int
		code  string
	}{
		{"ok", App{Name: "bot-1", Owner: "bob"}, 2, ""},
		{"second within quota", App{Name: "bot-2", Owner: "bob"}, 2, ""},
		{"over quota", App{Name: "bot-3", Owner: "bob"}, 2, "QUOTA_EXCEEDED"},
		{"lowered quota", App{Name: "bot-3", Owner: "bob"}, 1, "QUOTA_EXCEEDED"},
		{"no limit", App{Name: "bot-3", Owner: "bob"}, 0, ""},
		{"negative is no limit", App{Name: "bot-4", Owner: "bob"}, -1, ""},
		{"name taken beats quota", App{Name: "taken", Owner: "bob"}, 1, "ALREADY_EXISTS"},
		{"owner missing", App{Name: "bot-5", Owner: "nobody"}, 0, "NOT_FOUND"},
		{"collaborator missing", App{Name: "bot-5", Owner: "bob", Collaborators: []string{"nobody"}}, 0, "NOT_FOUND"},
		{"invalid name", App{Name: "Bot", Owner: "bob"}, 0, "INVALID_APP_NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CreateApp(tt.app, tt.limit)
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			assert.Equal(t, tt.code, hint.CodeOf(err), "%v", err)
			if tt.code != "ALREADY_EXISTS" {
				_, err := s.App(tt.app.Name)
				assert.ErrorIs(t, err, ErrNotFound, "a refused create must store nothing")
			}
		})
	}
}

func TestQuotaErrorCarriesCounts(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	for i := range 3 {
		require.NoError(t, s.CreateApp(App{Name: fmt.Sprintf("bot-%d", i), Owner: "bob"}, 0))
	}
	err := s.CreateApp(App{Name: "bot-x", Owner: "bob"}, 2)
	require.ErrorIs(t, err, ErrQuotaExceeded)
	var q *QuotaError
	require.True(t, errors.As(err, &q))
	assert.Equal(t, QuotaError{Owner: "bob", Have: 3, Limit: 2}, *q)
}

func TestConcurrentCreateAppRespectsQuota(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	const tries, limit = 20, 3
	var wg sync.WaitGroup
	errs := make([]error, tries)
	for i := range tries {
		wg.Go(func() { errs[i] = s.CreateApp(App{Name: fmt.Sprintf("bot-%02d", i), Owner: "bob"}, limit) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		assert.ErrorIs(t, err, ErrQuotaExceeded)
	}
	assert.Equal(t, limit, ok)
	apps, err := s.Apps()
	require.NoError(t, err)
	assert.Len(t, apps, limit)
}

func TestConcurrentCreateSameName(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		owner := []string{"bob", "carol"}[i%2]
		wg.Go(func() { errs[i] = s.CreateApp(App{Name: "contested", Owner: owner}, 0) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			assert.ErrorIs(t, err, ErrExists)
		}
	}
	assert.Equal(t, 1, ok)
}

func TestAppsSortedAndDelete(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	for _, n := range []string{"zz-bot", "aa-bot", "mm-bot"} {
		require.NoError(t, s.CreateApp(App{Name: n, Owner: "bob"}, 0))
	}
	require.NoError(t, s.AddKey(Key{Fingerprint: "SHA256:d1", App: "mm-bot"}))
	require.NoError(t, s.AddKey(Key{Fingerprint: "SHA256:d2", App: "aa-bot"}))
	apps, err := s.Apps()
	require.NoError(t, err)
	require.Len(t, apps, 3)
	assert.Equal(t, []string{"aa-bot", "mm-bot", "zz-bot"}, []string{apps[0].Name, apps[1].Name, apps[2].Name})

	require.NoError(t, s.DeleteApp("mm-bot"))
	_, err = s.App("mm-bot")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = s.KeyByFingerprint("SHA256:d1")
	assert.ErrorIs(t, err, ErrNotFound, "deploy key must go with its app")
	_, err = s.KeyByFingerprint("SHA256:d2")
	assert.NoError(t, err, "other apps' deploy keys stay")
	assert.ErrorIs(t, s.DeleteApp("mm-bot"), ErrNotFound)
	require.NoError(t, s.CreateApp(App{Name: "mm-bot", Owner: "carol"}, 1), "a deleted app frees quota and name")
}

func TestCollaborators(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "my-bot", Owner: "bob"}, 0))
	tests := []struct {
		name       string
		do         func() error
		code       string
		wantCollab []string
	}{
		{"add", func() error { return s.AddCollaborator("my-bot", "carol") }, "", []string{"carol"}},
		{"add again is a no-op", func() error { return s.AddCollaborator("my-bot", "carol") }, "", []string{"carol"}},
		{"add owner is a no-op", func() error { return s.AddCollaborator("my-bot", "bob") }, "", []string{"carol"}},
		{"add second sorted", func() error { return s.AddCollaborator("my-bot", "alice") }, "", []string{"alice", "carol"}},
		{"add missing user", func() error { return s.AddCollaborator("my-bot", "nobody") }, "NOT_FOUND", []string{"alice", "carol"}},
		{"add to missing app", func() error { return s.AddCollaborator("no-bot", "carol") }, "NOT_FOUND", []string{"alice", "carol"}},
		{"remove", func() error { return s.RemoveCollaborator("my-bot", "alice") }, "", []string{"carol"}},
		{"remove non-collaborator", func() error { return s.RemoveCollaborator("my-bot", "alice") }, "NOT_FOUND", []string{"carol"}},
		{"remove from missing app", func() error { return s.RemoveCollaborator("no-bot", "carol") }, "NOT_FOUND", []string{"carol"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if tt.code == "" {
				require.NoError(t, err)
			} else {
				assert.Equal(t, tt.code, hint.CodeOf(err), "%v", err)
			}
			app, err := s.App("my-bot")
			require.NoError(t, err)
			assert.Equal(t, tt.wantCollab, app.Collaborators)
		})
	}
}
