package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxPollTimeout caps getUpdates' timeout as Telegram does (50 s).
const maxPollTimeout = 50 * time.Second

// Server is the fake's HTTP handler:
//
//	/bot<TOKEN>/<method>   Bot API: getMe, getUpdates, sendMessage, deleteWebhook, …
//	POST /control/updates  queue a user's message (QueueRequest) → Update
//	GET  /control/updates  pending updates (?token=)
//	GET  /control/sent     sendMessage calls received (?token=) → []Sent
//	GET  /control/conflicts  409s handed out, per token
//	POST /control/reset    forget everything
//	GET  /healthz
//
// Control answers are bare JSON, not wrapped in the Bot API envelope.
type Server struct {
	log   *slog.Logger
	store *store
	mux   *http.ServeMux
}

// New returns a fake with empty state.
func New(log *slog.Logger) *Server {
	s := &Server{log: log, store: newStore(time.Now), mux: http.NewServeMux()}
	s.mux.HandleFunc("/{bot}/{method}", s.botAPI)
	s.mux.HandleFunc("POST /control/updates", s.controlQueue)
	s.mux.HandleFunc("GET /control/updates", s.controlPending)
	s.mux.HandleFunc("GET /control/sent", s.controlSent)
	s.mux.HandleFunc("GET /control/conflicts", s.controlConflicts)
	s.mux.HandleFunc("POST /control/reset", s.controlReset)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func ok(w http.ResponseWriter, result any) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

func fail(w http.ResponseWriter, code int, desc string) {
	writeJSON(w, code, map[string]any{"ok": false, "error_code": code, "description": desc})
}

func (s *Server) botAPI(w http.ResponseWriter, r *http.Request) {
	token, isBot := strings.CutPrefix(r.PathValue("bot"), "bot")
	if !isBot || token == "" {
		fail(w, http.StatusNotFound, "Not Found")
		return
	}
	p, err := readParams(r)
	if err != nil {
		fail(w, http.StatusBadRequest, "Bad Request: "+err.Error())
		return
	}
	method := strings.ToLower(r.PathValue("method")) // Telegram ignores case
	s.log.Info("bot api", "method", method, "bot", botID(token))
	if revoked(token) {
		fail(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	switch method {
	case "getme":
		ok(w, me(token))
	case "getupdates":
		s.getUpdates(w, r, token, p)
	case "sendmessage":
		s.sendMessage(w, token, p)
	case "deletewebhook":
		if p.bool("drop_pending_updates") {
			s.store.dropPending(token)
		}
		s.store.setWebhook(token, "")
		ok(w, true)
	case "setwebhook":
		s.store.setWebhook(token, p["url"])
		ok(w, true)
	case "getwebhookinfo":
		ok(w, map[string]any{"url": s.store.webhook(token), "has_custom_certificate": false,
			"pending_update_count": s.store.pendingCount(token)})
	case "setmycommands", "deletemycommands", "close", "logout", "sendchataction":
		ok(w, true)
	case "getmycommands":
		ok(w, []any{})
	default:
		fail(w, http.StatusNotFound, "Not Found: method not found")
	}
}

// revoked reports whether token is one the fake treats as revoked: its
// secret starts with REVOKED, so a test can have Telegram answer 401.
func revoked(token string) bool {
	_, secret, _ := strings.Cut(token, ":")
	return strings.HasPrefix(secret, "REVOKED")
}

// botID is the public part of a token ("123:secret" → "123"); the secret
// is never logged.
func botID(token string) string {
	id, _, _ := strings.Cut(token, ":")
	return id
}

func me(token string) User {
	id, err := strconv.ParseInt(botID(token), 10, 64)
	if err != nil {
		id = 1000
	}
	yes, no := true, false
	return User{ID: id, IsBot: true, FirstName: "Fake Bot", Username: fmt.Sprintf("fake_%d_bot", id),
		CanJoinGroups: &yes, CanReadAllGroupMessages: &no, SupportsInlineQueries: &no}
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, token string, p params) {
	offset, err1 := p.int("offset", 0)
	limit, err2 := p.int("limit", 100)
	timeout, err3 := p.int("timeout", 0)
	if err := errors.Join(err1, err2, err3); err != nil {
		fail(w, http.StatusBadRequest, "Bad Request: "+err.Error())
		return
	}
	if limit < 1 || limit > 100 {
		limit = 100
	}
	if s.store.webhook(token) != "" {
		fail(w, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
		return
	}
	wait := min(time.Duration(timeout)*time.Second, maxPollTimeout)
	ups, err := s.store.getUpdates(r.Context(), token, offset, int(limit), wait)
	switch {
	case errors.Is(err, errConflict):
		fail(w, http.StatusConflict, err.Error())
	case err != nil: // the client went away
		return
	default:
		ok(w, ups)
	}
}

func (s *Server) sendMessage(w http.ResponseWriter, token string, p params) {
	raw, ok1 := p["chat_id"]
	chatID, err := strconv.ParseInt(raw, 10, 64)
	if !ok1 || err != nil {
		fail(w, http.StatusBadRequest, "Bad Request: chat not found")
		return
	}
	text := p["text"]
	if strings.TrimSpace(text) == "" {
		fail(w, http.StatusBadRequest, "Bad Request: message text is empty")
		return
	}
	m := s.store.record(token, chatID, text, p)
	bot := me(token)
	bot.CanJoinGroups, bot.CanReadAllGroupMessages, bot.SupportsInlineQueries = nil, nil, nil
	ok(w, Message{MessageID: m.MessageID, From: &bot, Date: m.Date, Text: text,
		Chat: Chat{ID: chatID, Type: "private", FirstName: "Tester", Username: "tester"}})
}

func (s *Server) controlQueue(w http.ResponseWriter, r *http.Request) {
	var q QueueRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	if err := dec.Decode(&q); err != nil || q.ChatID == 0 {
		http.Error(w, `want JSON {"chat_id": N, "text": "..."}`, http.StatusBadRequest)
		return
	}
	u := s.store.queue(q)
	s.log.Info("queued update", "update_id", u.UpdateID, "chat_id", q.ChatID)
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) controlPending(w http.ResponseWriter, r *http.Request) {
	ups, _ := s.store.pending(r.URL.Query().Get("token"), 0, 1<<30)
	writeJSON(w, http.StatusOK, ups)
}

func (s *Server) controlSent(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.store.sentTo(r.URL.Query().Get("token")))
}

func (s *Server) controlConflicts(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.store.conflictCounts())
}

func (s *Server) controlReset(w http.ResponseWriter, _ *http.Request) {
	s.store.mu.Lock()
	s.store.reset()
	s.store.mu.Unlock()
	writeJSON(w, http.StatusOK, true)
}
