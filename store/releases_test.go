package store

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReleasesNumberPerAppAndSurviveOrder(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "my-bot", Owner: "alice"}, 0))
	require.NoError(t, s.CreateApp(App{Name: "my-bot-2", Owner: "alice"}, 0))

	for i := 1; i <= 11; i++ {
		r, err := s.AddRelease(Release{App: "my-bot", Commit: "c", Status: ReleaseBuilding})
		require.NoError(t, err)
		assert.Equal(t, i, r.Number)
	}
	r, err := s.AddRelease(Release{App: "my-bot-2"})
	require.NoError(t, err)
	assert.Equal(t, 1, r.Number, "numbers are per app; my-bot's must not count")

	rels, err := s.Releases("my-bot")
	require.NoError(t, err)
	require.Len(t, rels, 11)
	assert.Equal(t, 10, rels[9].Number, "v10 sorts after v9, not after v1")

	_, err = s.AddRelease(Release{App: "no-such-app"})
	assert.True(t, errors.Is(err, ErrNotFound))
}

func TestUpdateReleaseAndCurrent(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "my-bot", Owner: "alice"}, 0))
	r, err := s.AddRelease(Release{App: "my-bot", Status: ReleaseBuilding})
	require.NoError(t, err)
	r.Status, r.Image = ReleaseDeployed, "sha256:abc"
	require.NoError(t, s.UpdateRelease(r))
	require.NoError(t, s.SetCurrentRelease("my-bot", r.Number))

	got, err := s.Release("my-bot", 1)
	require.NoError(t, err)
	assert.Equal(t, "sha256:abc", got.Image)
	a, err := s.App("my-bot")
	require.NoError(t, err)
	assert.Equal(t, 1, a.Current)

	assert.True(t, errors.Is(s.UpdateRelease(Release{App: "my-bot", Number: 9}), ErrNotFound))
	_, err = s.Release("my-bot", 9)
	assert.True(t, errors.Is(err, ErrNotFound))
}

func TestDeleteAppDropsItsReleasesOnly(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "my-bot", Owner: "alice"}, 0))
	require.NoError(t, s.CreateApp(App{Name: "my-bot-2", Owner: "alice"}, 0))
	_, err := s.AddRelease(Release{App: "my-bot"})
	require.NoError(t, err)
	_, err = s.AddRelease(Release{App: "my-bot-2"})
	require.NoError(t, err)
	require.NoError(t, s.DeleteApp("my-bot"))

	rels, err := s.Releases("my-bot")
	require.NoError(t, err)
	assert.Empty(t, rels)
	rels, err = s.Releases("my-bot-2")
	require.NoError(t, err)
	assert.Len(t, rels, 1)

	// A new app of the same name starts again at v1.
	require.NoError(t, s.CreateApp(App{Name: "my-bot", Owner: "alice"}, 0))
	r, err := s.AddRelease(Release{App: "my-bot"})
	require.NoError(t, err)
	assert.Equal(t, 1, r.Number)
}

func TestAppSettingsDefaults(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "my-bot", Owner: "alice"}, 0))
	a, err := s.App("my-bot")
	require.NoError(t, err)
	assert.True(t, a.Settings.TagDeploys(), "tag deploys default on")
	require.NoError(t, s.SetAppSettings("my-bot", AppSettings{DeployBranch: "prod", NoTagDeploys: true, StartCheck: 2 * time.Second}))
	a, err = s.App("my-bot")
	require.NoError(t, err)
	assert.False(t, a.Settings.TagDeploys())
	assert.Equal(t, "prod", a.Settings.DeployBranch)
}

func TestAcceptReleaseMakesItCurrentAndDeployed(t *testing.T) {
	s, _ := openTemp(t)
	seed(t, s)
	require.NoError(t, s.CreateApp(App{Name: "my-bot", Owner: "alice"}, 0))
	r, err := s.AddRelease(Release{App: "my-bot", Status: ReleaseStarted, Image: "sha256:abc"})
	require.NoError(t, err)
	a, err := s.App("my-bot")
	require.NoError(t, err)
	assert.Equal(t, 0, a.Current, "a started release is not current")

	require.NoError(t, s.AcceptRelease("my-bot", r.Number))
	got, err := s.Release("my-bot", r.Number)
	require.NoError(t, err)
	assert.Equal(t, ReleaseDeployed, got.Status)
	a, err = s.App("my-bot")
	require.NoError(t, err)
	assert.Equal(t, r.Number, a.Current)

	assert.True(t, errors.Is(s.AcceptRelease("my-bot", 9), ErrNotFound))
	a, err = s.App("my-bot")
	require.NoError(t, err)
	assert.Equal(t, r.Number, a.Current, "a refused accept changes nothing")
	assert.True(t, Unfinished(ReleaseBuilding) && Unfinished(ReleaseStarted) && !Unfinished(ReleaseFailed))
}
