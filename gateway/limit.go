package gateway

import (
	"net/http"
)

const (
	// maxPerBot is the most calls one token may have in flight: a bot long
	// polls with one and sends a few more; many more is a loop or abuse.
	maxPerBot = 16
	// maxInFlight is the most calls the gateway forwards at once, whoever
	// makes them: each holds a goroutine and an upstream connection.
	maxInFlight = 1024
)

// admit counts a call of the token keyed key in, or refuses it when that
// token or the gateway has too many in flight; release counts it out.
func (g *Gateway) admit(key string) (release func(), ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.inFlight[key] >= maxPerBot || g.total >= maxInFlight {
		return nil, false
	}
	g.inFlight[key]++
	g.total++
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.total--
		if g.inFlight[key]--; g.inFlight[key] <= 0 {
			delete(g.inFlight, key)
		}
	}, true
}

// tooMany answers as Telegram does when a bot calls too fast: 429 with
// retry_after, which every framework waits out.
func tooMany(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(`{"ok":false,"error_code":429,"description":"Too Many Requests: too many calls in flight through gitd's gateway","parameters":{"retry_after":1}}`))
}
