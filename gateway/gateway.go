package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/botrunner/botrunner/internal/logging"
	"github.com/botrunner/botrunner/telegram"
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = http.ErrServerClosed

const (
	maxRequest   = 50 << 20         // bytes of one call's body (Bot API uploads are up to 50 MB)
	pollHeadroom = 20 * time.Second // on top of getUpdates' 50 s timeout cap
)

// Gateway forwards Bot API calls to upstream and records per bot.
type Gateway struct {
	upstream *url.URL
	client   *http.Client
	log      *slog.Logger
	now      func() time.Time
	srv      *http.Server

	mu      sync.Mutex
	bots    map[string]*Stats          // keyOf(token) → record, for the bots gitd watches
	waiters map[string][]chan struct{} // keyOf(token) → waiting for its next getUpdates
	// calls being forwarded, per keyOf(token) and in all (limit.go)
	inFlight map[string]int
	total    int
}

// New returns a gateway to the Bot API at upstream ("" = the real one).
func New(upstream string, log *slog.Logger) (*Gateway, error) {
	if upstream == "" {
		upstream = telegram.DefaultAPI
	}
	u, err := url.Parse(strings.TrimRight(upstream, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("gateway: the upstream Bot API must be an http(s) URL")
	}
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second,
		ResponseHeaderTimeout: 50*time.Second + pollHeadroom, TLSHandshakeTimeout: 10 * time.Second,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}
	g := &Gateway{upstream: u, log: logging.Component(log, "gateway"), now: time.Now,
		client: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		bots:   map[string]*Stats{}, waiters: map[string][]chan struct{}{}, inFlight: map[string]int{}}
	g.srv = &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(g.log.Handler(), slog.LevelWarn)}
	return g, nil
}

// Serve answers bots on l until Shutdown.
func (g *Gateway) Serve(l net.Listener) error { return g.srv.Serve(l) }

// Shutdown stops the gateway, waiting for calls in flight until ctx ends.
func (g *Gateway) Shutdown(ctx context.Context) error { return g.srv.Shutdown(ctx) }

// ServeHTTP forwards /bot<token>/<method> (and /file/bot<token>/<path>).
// Only the bots gitd watches (Bot, WaitPolling) are recorded, by their
// whole token: a bot that knows another's public id cannot pass for it,
// and made-up tokens grow no record.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token, method, ok := parsePath(r.URL.Path)
	if !ok {
		http.Error(w, `{"ok":false,"error_code":404,"description":"Not Found"}`, http.StatusNotFound)
		return
	}
	key := keyOf(token)
	release, ok := g.admit(key)
	if !ok {
		tooMany(w)
		return
	}
	defer release()
	if method == "getupdates" {
		g.polled(key, g.now())
	}
	status := g.forward(w, r, telegram.BotID(token))
	g.record(key, status)
}

// forward sends r upstream and streams the answer back; it returns the
// upstream status, or 502 when there was none.
func (g *Gateway) forward(w http.ResponseWriter, r *http.Request, bot string) int {
	out := g.upstream.JoinPath(r.URL.Path)
	out.RawQuery = r.URL.RawQuery
	req, err := http.NewRequestWithContext(r.Context(), r.Method, out.String(), http.MaxBytesReader(w, r.Body, maxRequest))
	if err != nil {
		return g.fail(w, http.StatusBadRequest)
	}
	req.ContentLength = r.ContentLength
	for _, h := range []string{"Content-Type", "Content-Length", "Accept", "Accept-Encoding", "User-Agent"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	resp, err := g.client.Do(req)
	if err != nil {
		// err holds the URL, so the token: only the bot id is logged.
		g.log.Warn("upstream unreachable", "bot", bot)
		return g.fail(w, http.StatusBadGateway)
	}
	defer resp.Body.Close()
	for _, h := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Retry-After"} {
		if v := resp.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
	return resp.StatusCode
}

func (g *Gateway) fail(w http.ResponseWriter, code int) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, `{"ok":false,"error_code":`+strconv.Itoa(code)+`,"description":"gateway: the Bot API could not be reached"}`)
	return code
}

// parsePath reads /bot<token>/<method> or /file/bot<token>/<path>: the
// token (of a token's form) and the method, lowercased as Telegram ignores
// case ("file" for downloads). A method is letters only and a file path
// has no "." or ".." segment, so that no call leaves the API's own paths.
func parsePath(p string) (token, method string, ok bool) {
	rest, isFile := strings.CutPrefix(p, "/file")
	rest, ok = strings.CutPrefix(rest, "/bot")
	if !ok {
		return "", "", false
	}
	token, m, ok := strings.Cut(rest, "/")
	if !ok || !telegram.LooksLikeToken(token) {
		return "", "", false
	}
	if isFile {
		for _, seg := range strings.Split(m, "/") {
			if seg == "" || seg == "." || seg == ".." {
				return "", "", false
			}
		}
		return token, "file", true
	}
	if m == "" || strings.TrimFunc(m, isLetter) != "" {
		return "", "", false
	}
	return token, strings.ToLower(m), true
}

func isLetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }

// keyOf is what the gateway keeps a bot's record under: a hash of its
// token, so the records hold no secret.
func keyOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
