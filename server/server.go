package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/command"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// Config tunes the SSH listener.
type Config struct {
	Addr             string        // listen address, e.g. ":2222"
	HostKey          gossh.Signer  // required
	IdleTimeout      time.Duration // no traffic at all for this long closes a connection (default 5m)
	Keepalive        time.Duration // server-to-client keepalive interval (default 30s)
	MaxConnsPerIP    int           // concurrent connections from one source address (default 32)
	MaxHandshakes    int           // concurrent connections that have not started a session (default 64)
	HandshakeTimeout time.Duration // time to authenticate and open a session (default 30s)
}

func (c *Config) defaults() {
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 5 * time.Minute
	}
	if c.Keepalive <= 0 {
		c.Keepalive = 30 * time.Second
	}
	if c.MaxConnsPerIP <= 0 {
		c.MaxConnsPerIP = 32
	}
	if c.MaxHandshakes <= 0 {
		c.MaxHandshakes = 64
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = 30 * time.Second
	}
}

// Deps are the parts a session is routed to.
type Deps struct {
	Auth   *auth.Authorizer
	Store  *store.Store
	Repos  *receive.Repos
	Router *command.Router
	Log    *slog.Logger
}

// Server is gitd's SSH server.
type Server struct {
	cfg    Config
	deps   Deps
	log    *slog.Logger
	ssh    *ssh.Server
	lim    *limiter
	active *sessions
	first  *firstPushes

	mu     sync.Mutex
	closed bool
}

// New builds a server; call Serve or ListenAndServe to run it.
func New(cfg Config, deps Deps) *Server {
	cfg.defaults()
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, deps: deps, log: deps.Log.With("component", "ssh"),
		lim:    newLimiter(cfg.MaxConnsPerIP, cfg.MaxHandshakes, cfg.HandshakeTimeout),
		active: newSessions(), first: newFirstPushes()}
	s.ssh = &ssh.Server{
		Addr:             cfg.Addr,
		HostSigners:      []ssh.Signer{cfg.HostKey},
		PublicKeyHandler: s.publicKeyHandler,
		ConnCallback:     s.lim.accept,
		IdleTimeout:      cfg.IdleTimeout,
		// Middleware order, outermost first: track (Shutdown waits for it)
		// → authenticate (re-check the key inside the session, identify)
		// → log → route (git or command).
		Handler: s.active.track(s.authenticate(s.logged(s.route))),
		// PTYs are accepted here and refused per command: git must not get
		// one (\n becomes \r\n and corrupts packs); `ssh -t bots logs` may.
		PtyCallback:     func(ssh.Context, ssh.Pty) bool { return true },
		Version:         "botrunner",
		RequestHandlers: map[string]ssh.RequestHandler{}, // no port forwarding or other global requests
		ChannelHandlers: map[string]ssh.ChannelHandler{"session": ssh.DefaultSessionHandler},
	}
	return s
}

// Serve accepts connections on l until Shutdown or Close.
func (s *Server) Serve(l net.Listener) error {
	err := s.ssh.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return ErrServerClosed
	}
	return err
}

// ListenAndServe listens on the configured address and serves.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Shutdown stops accepting, lets running sessions (pushes) finish until ctx
// ends, then closes what is left. It returns once every connection is closed
// and every session handler has returned.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.ssh.Shutdown(ctx)
	if err == nil {
		err = s.active.wait(ctx)
	}
	if err != nil {
		_ = s.ssh.Close()
	}
	return err
}

// Close closes the listeners and every connection at once.
func (s *Server) Close() error { return s.ssh.Close() }
