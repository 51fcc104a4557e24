package telegram

import (
	"context"
	"errors"
	"sync"
	"time"
	"unicode/utf16"
)

// errConflict is what the older of two concurrent getUpdates calls gets,
// as from Telegram when two copies of a bot poll with one token.
var errConflict = errors.New("Conflict: terminated by other getUpdates request; " +
	"make sure that only one bot instance is running")

type queued struct {
	token string // "" = any bot
	u     Update
}

// poll is one getUpdates call in progress; kicked is closed when a newer
// call with the same token takes over.
type poll struct{ kicked chan struct{} }

// store holds all state. changed is closed and replaced whenever an update
// is queued, so that long polls wake up.
type store struct {
	mu        sync.Mutex
	now       func() time.Time
	nextUID   int64
	nextMID   int64
	updates   []queued
	sent      []Sent
	polls     map[string]*poll
	conflicts map[string]int
	webhooks  map[string]string // token -> webhook URL set with setWebhook
	changed   chan struct{}
}

func newStore(now func() time.Time) *store {
	s := &store{now: now}
	s.reset()
	return s
}

// reset forgets everything. Update IDs keep increasing, as a bot that
// survives a reset may still send its old offset.
func (s *store) reset() {
	s.updates, s.sent = nil, nil
	s.polls, s.conflicts, s.webhooks = map[string]*poll{}, map[string]int{}, map[string]string{}
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	if s.nextUID == 0 {
		s.nextUID, s.nextMID = 1, 1
	}
}

func (s *store) queue(q QueueRequest) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := User{ID: q.UserID, FirstName: q.FirstName, Username: q.Username, Language: "en"}
	if from.ID == 0 {
		from.ID = q.ChatID
	}
	if from.FirstName == "" {
		from.FirstName = "Tester"
	}
	if from.Username == "" {
		from.Username = "tester"
	}
	m := &Message{
		MessageID: s.nextMID, From: &from, Date: s.now().Unix(), Text: q.Text,
		Chat:     Chat{ID: q.ChatID, Type: "private", FirstName: from.FirstName, Username: from.Username},
		Entities: commandEntity(q.Text),
	}
	u := Update{UpdateID: s.nextUID, Message: m}
	s.nextUID++
	s.nextMID++
	s.updates = append(s.updates, queued{token: q.Token, u: u})
	close(s.changed)
	s.changed = make(chan struct{})
	return u
}

// commandEntity marks a leading "/command" the way Telegram does, with the
// length in UTF-16 code units.
func commandEntity(text string) []Entity {
	if len(text) < 2 || text[0] != '/' {
		return nil
	}
	end := len(text)
	for i, r := range text {
		if r == ' ' || r == '\n' {
			end = i
			break
		}
	}
	return []Entity{{Type: "bot_command", Offset: 0, Length: len(utf16.Encode([]rune(text[:end])))}}
}

func visible(q queued, token string) bool { return q.token == "" || q.token == token }

// confirm drops the updates token has seen: those below offset, or for a
// negative offset all but the last -offset ones.
func (s *store) confirm(token string, offset int64) {
	if offset == 0 {
		return
	}
	var ids []int64
	for _, q := range s.updates {
		if visible(q, token) {
			ids = append(ids, q.u.UpdateID)
		}
	}
	limit := offset
	if offset < 0 {
		keep := int(-offset)
		if keep >= len(ids) {
			return
		}
		limit = ids[len(ids)-keep]
	}
	kept := s.updates[:0]
	for _, q := range s.updates {
		if !visible(q, token) || q.u.UpdateID >= limit {
			kept = append(kept, q)
		}
	}
	s.updates = kept
}

// pending returns up to limit updates for token, and a channel that is
// closed when more arrive.
func (s *store) pending(token string, offset int64, limit int) ([]Update, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.confirm(token, offset)
	out := []Update{}
	for _, q := range s.updates {
		if visible(q, token) && len(out) < limit {
			out = append(out, q.u)
		}
	}
	return out, s.changed
}

// begin registers a poll for token, kicking out the one already running.
func (s *store) begin(token string) *poll {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.polls[token]; ok {
		close(old.kicked)
		s.conflicts[token]++
	}
	p := &poll{kicked: make(chan struct{})}
	s.polls[token] = p
	return p
}

func (s *store) end(token string, p *poll) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.polls[token] == p {
		delete(s.polls, token)
	}
}

// getUpdates answers at once when updates are waiting, else waits up to
// timeout for one (long polling).
func (s *store) getUpdates(ctx context.Context, token string, offset int64, limit int, timeout time.Duration) ([]Update, error) {
	p := s.begin(token)
	defer s.end(token, p)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		ups, changed := s.pending(token, offset, limit)
		if len(ups) > 0 || timeout <= 0 {
			return ups, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return ups, nil
		case <-p.kicked:
			return nil, errConflict
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// setWebhook sets (url "") or clears token's webhook.
func (s *store) setWebhook(token, url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if url == "" {
		delete(s.webhooks, token)
		return
	}
	s.webhooks[token] = url
}

func (s *store) webhook(token string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhooks[token]
}

// dropPending is deleteWebhook's drop_pending_updates.
func (s *store) dropPending(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.updates[:0]
	for _, q := range s.updates {
		if !visible(q, token) {
			kept = append(kept, q)
		}
	}
	s.updates = kept
}

func (s *store) record(token string, chatID int64, text string, params map[string]string) Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := Sent{Token: token, ChatID: chatID, Text: text, MessageID: s.nextMID, Date: s.now().Unix(), Params: params}
	s.nextMID++
	s.sent = append(s.sent, m)
	return m
}

func (s *store) sentTo(token string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Sent{}
	for _, m := range s.sent {
		if token == "" || m.Token == token {
			out = append(out, m)
		}
	}
	return out
}

func (s *store) conflictCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.conflicts))
	for k, v := range s.conflicts {
		out[k] = v
	}
	return out
}

func (s *store) pendingCount(token string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, q := range s.updates {
		if visible(q, token) {
			n++
		}
	}
	return n
}
