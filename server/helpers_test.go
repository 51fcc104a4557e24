package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/botrunner/botrunner/auth"
	"github.com/botrunner/botrunner/command"
	"github.com/botrunner/botrunner/receive"
	"github.com/botrunner/botrunner/secrets"
	"github.com/botrunner/botrunner/store"
	"github.com/botrunner/botrunner/testsupport/testenv/ci"
)

// harness is one gitd SSH front on 127.0.0.1:0 over a temp data dir, with a
// fake pipeline the test can swap, an admin key, and a HOME for git and ssh.
type harness struct {
	t     *testing.T
	srv   *Server
	data  string // the data dir: gitd.db, host_key, repos/
	addr  string // 127.0.0.1:PORT
	port  string
	store *store.Store
	repos *receive.Repos
	home  string // HOME for the git and ssh we run
	admin clientKey
	logs  *syncBuffer
	pipe  *swappable
	serve *served
}

// swappable holds the fake pipeline; nil accepts every push.
type swappable struct {
	mu sync.Mutex
	f  receive.PipelineFunc
}

// served is what Serve returned: err is valid once done is closed.
type served struct {
	done chan struct{}
	err  error
}

// withT returns the harness for a subtest, so that its failures stop the
// subtest and not its parent.
func (h *harness) withT(t *testing.T) *harness {
	c := *h
	c.t = t
	return &c
}

// harnessOpts tune a harness: server config fields, the push size limit
// and the host keys (default: one ed25519 key; RSA keys are slow to make).
type harnessOpts struct {
	cfg         Config
	maxPushSize int64
	hostKeysDir string
	logs        command.LogReader
}

// newHarness starts a server; it is shut down when the test ends.
func newHarness(t *testing.T, opts ...func(*harnessOpts)) *harness {
	t.Helper()
	ci.NeedTools(t, "git", "ssh")
	var o harnessOpts
	for _, f := range opts {
		f(&o)
	}
	h := &harness{t: t, data: t.TempDir(), home: t.TempDir(), logs: &syncBuffer{}, pipe: &swappable{},
		serve: &served{done: make(chan struct{})}}
	box, err := secrets.LoadOrCreateKey(filepath.Join(h.data, "secret.key"))
	require.NoError(t, err)
	st, err := store.OpenWithBox(filepath.Join(h.data, "gitd.db"), box)
	require.NoError(t, err)
	h.store = st
	authz := auth.New(st, 3)
	h.admin = newClientKey(t, h.home, "admin")
	require.NoError(t, authz.Bootstrap([]string{h.admin.line}))
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.repos, err = receive.NewRepos(filepath.Join(h.data, "repos"), receive.Options{
		MaxPushSize: o.maxPushSize, Agent: "botrunner/test", Pipeline: receive.PipelineFunc(h.runPipeline), Log: log,
	})
	require.NoError(t, err)
	router := command.NewRouter(command.Deps{Store: st, Auth: authz, Repos: h.repos, Version: "test", Log: log, Logs: o.logs})
	cfg := o.cfg
	cfg.Addr = "127.0.0.1:0"
	if o.hostKeysDir != "" {
		cfg.HostKeys, err = LoadOrCreateHostKeys(o.hostKeysDir)
	} else {
		var k gossh.Signer
		k, err = createHostKey(filepath.Join(h.data, "ssh_host_ed25519_key"), hostKeyKinds[0].gen)
		cfg.HostKeys = []gossh.Signer{k}
	}
	require.NoError(t, err)
	h.srv = New(cfg, Deps{Auth: authz, Store: st, Repos: h.repos, Router: router, Log: log})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	h.addr = l.Addr().String()
	_, h.port, _ = net.SplitHostPort(h.addr)
	go func() {
		h.serve.err = h.srv.Serve(l)
		close(h.serve.done)
	}()
	t.Cleanup(h.stop)
	return h
}

// stop closes the server and waits for Serve and for every session handler
// (a push whose client is gone may still be winding down) before the data
// dir is removed.
func (h *harness) stop() {
	_ = h.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.srv.active.wait(ctx); err != nil {
		h.t.Errorf("session handlers still running after Close: %v", err)
	}
	select {
	case <-h.serve.done:
	case <-ctx.Done():
		h.t.Errorf("Serve did not return after Close")
	}
	_ = h.store.Close()
	if h.t.Failed() {
		h.t.Logf("server log:\n%s", h.logs.String())
	}
}

func withConfig(f func(*Config)) func(*harnessOpts) {
	return func(o *harnessOpts) { f(&o.cfg) }
}

// withHostKeys gives the server the full set of host keys kept in dir.
func withHostKeys(dir string) func(*harnessOpts) {
	return func(o *harnessOpts) { o.hostKeysDir = dir }
}

// withLogs gives the command router a log store (for logs -f).
func withLogs(l command.LogReader) func(*harnessOpts) {
	return func(o *harnessOpts) { o.logs = l }
}

func withMaxPushSize(n int64) func(*harnessOpts) {
	return func(o *harnessOpts) { o.maxPushSize = n }
}

// setPipeline swaps the fake pipeline; nil accepts every push.
func (h *harness) setPipeline(f receive.PipelineFunc) {
	h.pipe.mu.Lock()
	defer h.pipe.mu.Unlock()
	h.pipe.f = f
}

func (h *harness) runPipeline(ctx context.Context, p *receive.Push) error {
	h.pipe.mu.Lock()
	f := h.pipe.f
	h.pipe.mu.Unlock()
	if f == nil {
		return nil
	}
	return f(ctx, p)
}

// repoDir is where the app's bare repository lives.
func (h *harness) repoDir(app string) string {
	return filepath.Join(h.data, "repos", app+".git")
}

// remote is the git URL of an app on this server.
func (h *harness) remote(app string) string {
	return "ssh://git@" + h.addr + "/" + app
}

// clientKey is an ed25519 key as an OpenSSH private key file (0600), its
// authorized_keys line, and a signer for the Go client.
type clientKey struct {
	path   string
	line   string
	signer gossh.Signer
}

func newClientKey(t *testing.T, dir, name string) clientKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	block, err := gossh.MarshalPrivateKey(priv, name+"@test")
	require.NoError(t, err)
	path := filepath.Join(dir, "id_"+name)
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(block), 0o600))
	signer, err := gossh.NewSignerFromKey(priv)
	require.NoError(t, err)
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " " + name + "@test"
	return clientKey{path: path, line: line, signer: signer}
}

// snapshot maps every path under root to a digest of its content ("dir" for
// directories), to show that nothing under root changed.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	require.NoError(t, err)
	return out
}

// requireNoQuarantine fails if a quarantine dir is left in the app's repo.
func requireNoQuarantine(t *testing.T, repoDir string) {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(repoDir, "quarantine-*"))
	require.NoError(t, err)
	require.Empty(t, left, "quarantine dirs left behind")
}

// waitFor waits for ch to be closed or to yield, failing after d: a bound
// on a hang, not a claim about speed.
func waitFor[T any](t *testing.T, ch <-chan T, d time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("timed out after %s waiting for %s", d, what)
		panic("unreachable")
	}
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
