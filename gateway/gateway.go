package gateway

import (
	"context"
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
	bots    map[string]*Stats
	waiters map[string][]chan struct{} // bot id → waiting for its next getUpdates
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
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second,
		ResponseHeaderTimeout: 50*time.Second + pollHeadroom, TLSHandshakeTimeout: 10 * time.Second,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}
	g := &Gateway{upstream: u, log: log.With("component", "gateway"), now: time.Now,
		client: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		bots:   map[string]*Stats{}, waiters: map[string][]chan struct{}{}}
	g.srv = &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(g.log.Handler(), slog.LevelWarn)}
	return g, nil
}

// Serve answers bots on l until Shutdown.
func (g *Gateway) Serve(l net.Listener) error { return g.srv.Serve(l) }

// Shutdown stops the gateway, waiting for calls in flight until ctx ends.
func (g *Gateway) Shutdown(ctx context.Context) error { return g.srv.Shutdown(ctx) }

// ServeHTTP forwards /bot<token>/<method> (and /file/bot<token>/<path>).
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	bot, method, ok := parsePath(r.URL.Path)
	if !ok {
		http.Error(w, `{"ok":false,"error_code":404,"description":"Not Found"}`, http.StatusNotFound)
		return
	}
	start := g.now()
	if method == "getupdates" {
		g.polled(bot, start)
	}
	status := g.forward(w, r)
	g.record(bot, method, status)
}

// forward sends r upstream and streams the answer back; it returns the
// upstream status, or 502 when there was none.
func (g *Gateway) forward(w http.ResponseWriter, r *http.Request) int {
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
		g.log.Warn("upstream unreachable", "bot", botIDOf(r.URL.Path))
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

// parsePath reads /bot<token>/<method> or /file/bot<token>/…: the bot's id
// (never the secret) and the method, lowercased as Telegram ignores case.
func parsePath(p string) (bot, method string, ok bool) {
	rest, isFile := strings.CutPrefix(p, "/file")
	rest, ok = strings.CutPrefix(rest, "/bot")
	if !ok {
		return "", "", false
	}
	tok, m, ok := strings.Cut(rest, "/")
	id, _, hasColon := strings.Cut(tok, ":")
	if !ok || !hasColon || id == "" || m == "" {
		return "", "", false
	}
	if isFile {
		return id, "file", true
	}
	return id, strings.ToLower(m), true
}

// botIDOf is the bot id in a path, for logs.
func botIDOf(p string) string {
	id, _, _ := parsePath(p)
	return id
}
