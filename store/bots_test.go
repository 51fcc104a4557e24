package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/botrunner/botrunner/hint"
)

// sameBot is another token of the bot of token(i): what @BotFather hands
// out after a revoke.
func sameBot(i int) string {
	return fmt.Sprintf("%d:BBH%s", 100000000+i, strings.Repeat("y", 32))
}

func TestOneBotOneAppWhateverTheVar(t *testing.T) {
	s, _ := boxedWithApps(t)
	require.NoError(t, setToken(s, "bob-bot", token(1)))
	// Another var name, another token of the same bot, another user's app.
	_, err := s.SetConfig("carol-bot", map[string]string{"TELEGRAM_TOKEN": sameBot(1)}, nil)
	assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(err))
	assert.Contains(t, err.Error(), "bot 100000001")
	assert.NotContains(t, err.Error(), "bob")
	// The same app may hold its bot under two names, and a new token of it.
	_, err = s.SetConfig("bob-bot", map[string]string{"TG_TOKEN": sameBot(1)}, nil)
	require.NoError(t, err)
	require.NoError(t, setToken(s, "bob-bot", sameBot(1)))
	// Unsetting one of the two keeps the bot; unsetting both frees it.
	_, err = s.SetConfig("bob-bot", nil, []string{"TG_TOKEN"})
	require.NoError(t, err)
	assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(setToken(s, "carol-bot", token(1))))
	_, err = s.SetConfig("bob-bot", nil, []string{BotTokenName})
	require.NoError(t, err)
	require.NoError(t, setToken(s, "carol-bot", token(1)))
}

func TestBotIndexBuiltFromOldStores(t *testing.T) {
	s, dir := boxedWithApps(t)
	_, err := s.SetConfig("bob-bot", map[string]string{"TG": token(7)}, nil)
	require.NoError(t, err)
	// A store from before: no bot-id index, no mark.
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		require.NoError(t, tx.DeleteBucket(bucketBotIDs))
		_, err := tx.CreateBucket(bucketBotIDs)
		require.NoError(t, err)
		return tx.Bucket(bucketMeta).Delete(metaBotIDs)
	}))
	require.NoError(t, s.Close())
	s = reopenBoxed(t, dir)
	assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(setToken(s, "carol-bot", sameBot(7))))
}

func TestBotRecord(t *testing.T) {
	s, _ := boxedWithApps(t)
	_, ok, err := s.Bot("bob-bot")
	require.NoError(t, err)
	assert.False(t, ok)
	b := Bot{Var: BotTokenName, ID: 100000001, Username: "echo_bot", Checked: time.Unix(1, 0).UTC(), Webhook: "https://x.invalid/h"}
	require.NoError(t, s.SetBot("bob-bot", &b))
	got, ok, err := s.Bot("bob-bot")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, b, got)
	require.NoError(t, s.SetBot("bob-bot", nil))
	_, ok, _ = s.Bot("bob-bot")
	assert.False(t, ok)
	assert.Equal(t, "NOT_FOUND", hint.CodeOf(s.SetBot("nope-bot", &b)))
}
