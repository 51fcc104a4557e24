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

func setToken(s *Store, app, tok string) error {
	_, err := s.SetConfig(app, map[string]string{BotTokenName: tok}, nil)
	return err
}

func TestBotTokenUniqueAcrossAppsAndUsers(t *testing.T) {
	s, _ := boxedWithApps(t)
	require.NoError(t, s.CreateApp(App{Name: "bob-bot-2", Owner: "bob"}, 0))
	require.NoError(t, setToken(s, "bob-bot", token(1)))
	require.NoError(t, setToken(s, "bob-bot", token(1)), "setting an app's own token again is fine")

	for _, app := range []string{"carol-bot", "bob-bot-2"} { // another user's app, the same user's other app
		err := setToken(s, app, token(1))
		require.Error(t, err, app)
		assert.True(t, errors.Is(err, ErrBotTokenInUse))
		assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(err))
		assert.Contains(t, hint.TipOf(err), "409 Conflict")
		for _, secret := range []string{"bob", token(1)} {
			assert.NotContains(t, err.Error(), secret, "must not reveal the holder or the token")
			assert.NotContains(t, hint.TipOf(err), secret)
		}
	}

	// Changing bob-bot's token frees the old one.
	require.NoError(t, setToken(s, "bob-bot", token(2)))
	require.NoError(t, setToken(s, "carol-bot", token(1)))
	assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(setToken(s, "bob-bot-2", token(2))))
}

func TestBotTokenFreedByUnsetAndDeleteApp(t *testing.T) {
	s, _ := boxedWithApps(t)
	require.NoError(t, setToken(s, "bob-bot", token(1)))
	_, err := s.SetConfig("bob-bot", nil, []string{BotTokenName})
	require.NoError(t, err)
	require.NoError(t, setToken(s, "carol-bot", token(1)), "unset freed it")

	require.NoError(t, setToken(s, "bob-bot", token(2)))
	require.NoError(t, s.DeleteApp("bob-bot"))
	require.NoError(t, setToken(s, "carol-bot", token(2)), "DeleteApp freed it")

	// A new app with the old name starts with no config.
	require.NoError(t, s.CreateApp(App{Name: "bob-bot", Owner: "bob"}, 0))
	cfg, err := s.Config("bob-bot")
	require.NoError(t, err)
	assert.Empty(t, cfg)
	require.NoError(t, setToken(s, "bob-bot", token(1)), "carol-bot moved off token 1")
}

func TestBotTokenConcurrentSetExactlyOneWins(t *testing.T) {
	s, _ := boxedWithApps(t)
	for round := range 20 {
		tok := token(1000 + round)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, app := range []string{"bob-bot", "carol-bot"} {
			wg.Go(func() {
				errs[i] = setToken(s, app, tok)
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else {
				assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(err), fmt.Sprint(err))
			}
		}
		assert.Equal(t, 1, wins, "round %d", round)
	}
}
