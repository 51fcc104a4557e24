// Command pypiserver serves the test wheels of testenv/internal/pyindex as a
// PEP 503 index on :8080. testenv.PipIndexImage packs it, alone, into the
// image botrunner-test/pypi:1.
//
//	pypiserver [-addr :8080]          serve
//	pypiserver [-addr :8080] health   exit 0 when the server answers
//
// health is for `docker exec`: the image has no shell and no curl.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/botrunner/botrunner/testsupport/testenv/internal/pyindex"
)

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	if flag.Arg(0) == "health" {
		os.Exit(health(*addr))
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("component", "pypiserver")

	ix, err := pyindex.New(pyindex.Catalog())
	if err != nil {
		log.Error("build wheels", "err", err)
		os.Exit(1)
	}
	for _, w := range ix.Wheels() {
		log.Info("serving", "file", w.Filename, "sha256", w.SHA256)
	}
	srv := &http.Server{Addr: *addr, Handler: logRequests(log, ix), ReadHeaderTimeout: 10 * time.Second}
	if err := serve(srv, log); err != nil {
		log.Error("serve", "err", err)
		os.Exit(1)
	}
}

// serve runs srv until SIGTERM or SIGINT, then shuts it down with a deadline
// (docker stop sends SIGTERM; PID 1 gets no default signal handling).
func serve(srv *http.Server, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", srv.Addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func logRequests(log *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Info("request", "method", r.Method, "path", r.URL.Path)
		h.ServeHTTP(w, r)
	})
}

func health(addr string) int {
	_, port, _ := strings.Cut(addr, ":")
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pypiserver:", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}
