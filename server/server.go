package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/command"
	"github.com/botrunner/botrunner/internal/logging"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/store"
)

// Config tunes the SSH listener.
type Config struct {
	Addr     string         // listen address, e.g. ":2222"
	HostKeys []gossh.Signer // required: one per key type (see LoadOrCreateHostKeys)
	// IdleTimeout closes an authenticated connection that has kept the
	// server waiting this long without sending anything (default 5m).
	// Server work (a build, `logs -f`) and keepalive replies do not count.
	IdleTimeout time.Duration
	// Keepalive is the server-to-client keepalive interval (default 30s);
	// a client that leaves keepaliveMissed of them unanswered is dead.
	Keepalive          time.Duration
	MaxConnsPerIP      int           // concurrent connections from one source address (default 32)
	MaxHandshakes      int           // concurrent connections not authenticated yet (default 64)
	MaxHandshakesPerIP int           // of those, from one source address (default 8)
	HandshakeTimeout   time.Duration // time to authenticate (default 10s)
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
	if c.MaxHandshakesPerIP <= 0 {
		c.MaxHandshakesPerIP = 8
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = 10 * time.Second
	}
}

// Deps are the parts a session is routed to.
type Deps struct {
	Auth   *auth.Authorizer
	Store  *store.Store
	Repos  *receive.Repos
	Router *command.Router
	Log    *slog.Logger
	// Observe hears of refused keys and ended sessions (metrics, audit);
	// nil: nobody.
	Observe Observer
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
}

// New builds a server; call Serve or ListenAndServe to run it.
func New(cfg Config, deps Deps) *Server {
	cfg.defaults()
	log := logging.Component(deps.Log, "ssh")
	s := &Server{cfg: cfg, deps: deps, log: log, lim: newLimiter(cfg, log),
		active: newSessions(), first: newFirstPushes()}
	signers := make([]ssh.Signer, len(cfg.HostKeys))
	for i, k := range cfg.HostKeys {
		signers[i] = k
	}
	s.ssh = &ssh.Server{
		Addr:                 cfg.Addr,
		HostSigners:          signers,
		PublicKeyHandler:     s.publicKeyHandler,
		ConnCallback:         s.lim.accept,
		ServerConfigCallback: s.serverConfig,
		// No IdleTimeout here: gliderlabs counts any traffic, keepalive
		// replies included, so a silent client would stay forever. The
		// limiter's idle watch counts only time spent waiting for the
		// client.
		//
		// Middleware order, outermost first: track (Shutdown waits for it)
		// → watch idle (the session's reads and writes show when the
		// server waits for the client) → authenticate (re-check the key
		// inside the session, identify) → log → route (git or command).
		Handler: s.active.track(s.watchIdle(s.authenticate(s.logged(s.route)))),
		// PTYs are accepted here and refused per command: git must not get
		// one (\n becomes \r\n and corrupts packs); `ssh -t bots logs` may.
		PtyCallback:     func(ssh.Context, ssh.Pty) bool { return true },
		Version:         "botrunner",
		RequestHandlers: map[string]ssh.RequestHandler{}, // no port forwarding or other global requests
		ChannelHandlers: map[string]ssh.ChannelHandler{"session": ssh.DefaultSessionHandler},
	}
	return s
}

// serverConfig is the per-connection x/crypto config gliderlabs builds on:
// a successful authentication ends the connection's pre-auth time.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		AuthLogCallback: func(_ gossh.ConnMetadata, _ string, err error) {
			if lc, ok := ctx.Value(limitedConnKey).(*limitedConn); ok && err == nil {
				lc.authenticated()
			}
		},
	}
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
