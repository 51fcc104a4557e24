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

// TestVerifiedTokenTakesUnverifiedBot: a token stored while Telegram could
// not be asked holds its bot id only until a token Telegram confirmed for
// the same bot is set by another app (a made-up token with a public bot id
// must not keep the real bot off the server); a verified claim is never
// taken, and two unverified claims still exclude each other.
func TestVerifiedTokenTakesUnverifiedBot(t *testing.T) {
	s, _ := boxedWithApps(t)
	id := "100000001"
	_, err := s.UpdateConfigVerified("carol-bot", map[string]string{"X": sameBot(1)}, nil, nil)
	require.NoError(t, err, "unverified: the API was unreachable")
	_, err = s.UpdateConfigVerified("bob-bot", map[string]string{BotTokenName: token(1)}, nil, nil)
	assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(err), "unverified against unverified")

	up, err := s.UpdateConfigVerified("bob-bot", map[string]string{BotTokenName: token(1)}, nil, []string{id})
	require.NoError(t, err)
	assert.Equal(t, []string{id}, up.TookOver)
	// carol's claim is gone: any change of hers that keeps the token is refused.
	_, err = s.SetConfig("carol-bot", map[string]string{"DEBUG": "1"}, nil)
	assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(err))
	_, err = s.UpdateConfigVerified("carol-bot", map[string]string{"Y": sameBot(1)}, nil, []string{id})
	assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(err), "a verified claim is never taken")

	// bob's later changes without a check keep his claim verified.
	_, err = s.SetConfig("bob-bot", map[string]string{"DEBUG": "1"}, nil)
	require.NoError(t, err)
	_, err = s.UpdateConfigVerified("carol-bot", map[string]string{"Y": sameBot(1)}, nil, []string{id})
	assert.Equal(t, "BOT_TOKEN_IN_USE", hint.CodeOf(err))

	// Deleting bob's app frees the id, whatever its mark.
	_, err = s.SetConfig("carol-bot", nil, []string{"X"})
	require.NoError(t, err)
	require.NoError(t, s.DeleteApp("bob-bot"))
	require.NoError(t, setToken(s, "carol-bot", token(1)))
}
