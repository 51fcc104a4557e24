package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/botrunner/botrunner/telegram"
)

// Bot is what gitd learnt about an app's Telegram bot: who it is (getMe)
// and whether a webhook is set (getWebhookInfo). It holds no token.
type Bot struct {
	Var      string    // the config var holding the token
	ID       int64     // 0 until Telegram answered getMe
	Username string    // without the @
	Checked  time.Time // when Telegram last answered; zero = never (it was unreachable)
	// Webhook is the webhook URL Telegram reported; "" = none (or unknown).
	Webhook        string
	WebhookChecked time.Time
}

// metaBotIDs marks a store whose bot-id index was built from the configs.
var metaBotIDs = []byte("bot-ids-v1")

// botIDs are the bot ids of config's token-valued vars, in order.
func botIDs(config map[string]string) []string {
	var ids []string
	for _, v := range config {
		if id := telegram.BotID(v); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// botKey is the index key of a bot id: a keyed MAC, so the index does not
// tell which bots this server runs.
func (s *Store) botKey(id string) []byte { return s.box.MAC("BOT_ID", []byte(id)) }

// An index entry is the name of the app holding the bot id, followed by
// unverifiedMark when its token was stored without Telegram's word (the API
// was unreachable): a claim nobody proved, which a verified token of the
// same bot takes over. Entries without the mark (and those written before
// it existed) are verified.
const unverifiedMark = "\x00unverified"

func botEntry(app string, verified bool) []byte {
	if verified {
		return []byte(app)
	}
	return []byte(app + unverifiedMark)
}

// botHolder reads an index entry: the holding app, and whether its claim
// was verified.
func botHolder(v []byte) (app string, verified bool) {
	app, unverified := strings.CutSuffix(string(v), unverifiedMark)
	return app, !unverified
}

// moveBots moves app's entries in the bot index from the bots of config
// cur to those of next; verified are the ids Telegram confirmed in this
// change. BOT_TOKEN_IN_USE if another existing app holds one of them,
// unless its claim is unverified and this one is verified: then the id is
// taken over and returned. The error never says which app, as the caller
// may not see it.
func (s *Store) moveBots(tx *bolt.Tx, app string, cur, next map[string]string, verified []string) ([]string, error) {
	idx := tx.Bucket(bucketBotIDs)
	before, after := botIDs(cur), botIDs(next)
	var took []string
	for _, id := range after {
		k := s.botKey(id)
		isVerified := slices.Contains(verified, id)
		if v := idx.Get(k); v != nil {
			holder, holderVerified := botHolder(v)
			// An entry whose app is gone is stale (DeleteApp frees bots).
			switch {
			case holder == app:
				isVerified = isVerified || holderVerified
			case tx.Bucket(bucketApps).Get([]byte(holder)) == nil:
			case holderVerified || !isVerified:
				return nil, ErrBotTokenInUse.With(fmt.Sprintf("bot %s already belongs to another app", id), nil)
			default:
				took = append(took, id)
			}
		}
		if err := idx.Put(k, botEntry(app, isVerified)); err != nil {
			return nil, err
		}
	}
	for _, id := range before {
		if k := s.botKey(id); !slices.Contains(after, id) && idx.Get(k) != nil {
			if holder, _ := botHolder(idx.Get(k)); holder == app {
				if err := idx.Delete(k); err != nil {
					return nil, err
				}
			}
		}
	}
	return took, nil
}

// indexBotIDs builds the bot index from every app's config once: stores
// written before it indexed whole BOT_TOKEN values instead. An id two apps
// share stays with the first in name order.
func (s *Store) indexBotIDs(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta.Get(metaBotIDs) != nil {
		return nil
	}
	idx := tx.Bucket(bucketBotIDs)
	err := tx.Bucket(bucketConfig).ForEach(func(app, _ []byte) error {
		cfg, err := s.getConfigMap(tx.Bucket(bucketConfig), app)
		if err != nil {
			return err
		}
		for _, id := range botIDs(cfg) {
			if k := s.botKey(id); idx.Get(k) == nil {
				if err := idx.Put(k, app); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_ = tx.DeleteBucket([]byte("bot-tokens")) // the old index, by whole token
	return meta.Put(metaBotIDs, []byte("1"))
}

// SetBot records what Telegram said about app's bot; nil forgets it (no
// token var left). ErrNotFound if no such app.
func (s *Store) SetBot(app string, b *Bot) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if _, err := getApp(tx, app); err != nil {
			return err
		}
		if b == nil {
			return tx.Bucket(bucketBots).Delete([]byte(app))
		}
		return put(tx.Bucket(bucketBots), app, b)
	})
}

// Bot is what is known of app's bot; ok false when nothing is.
func (s *Store) Bot(app string) (b Bot, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		ok, err = get(tx.Bucket(bucketBots), app, &b)
		return err
	})
	return b, ok, err
}

// NotifyTargets are where an app's notices go; both "" = nowhere.
type NotifyTargets struct {
	Chat    string // a Telegram chat id (or @channel) the app's own bot writes to
	Webhook string // an https URL that gets each notice as POSTed JSON
}

// SetNotifyTargets replaces app's notice targets. ErrNotFound if no such app.
func (s *Store) SetNotifyTargets(app string, t NotifyTargets) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if _, err := getApp(tx, app); err != nil {
			return err
		}
		if t == (NotifyTargets{}) {
			return tx.Bucket(bucketNotify).Delete([]byte(app))
		}
		return put(tx.Bucket(bucketNotify), app, t)
	})
}

// NotifyTargets are app's notice targets (zero if none).
func (s *Store) NotifyTargets(app string) (NotifyTargets, error) {
	var t NotifyTargets
	err := s.db.View(func(tx *bolt.Tx) error {
		_, err := get(tx.Bucket(bucketNotify), app, &t)
		return err
	})
	return t, err
}
